/// Scene generator: see the issue "Datasets with known answers".
public enum Scenes {}
