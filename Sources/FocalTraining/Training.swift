/// Logistic-regression concept heads, cross-validation and metrics.
public enum Training {}
