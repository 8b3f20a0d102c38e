/// Occlusion explanations of concept models.
public enum Explain {}
