extension Interval {
    /// The interval of a statistic that has no value (e.g. recall with no positives).
    public static func undefined(confidence: Double = 0.95) -> Interval {
        Interval(estimate: .nan, lower: .nan, upper: .nan, confidence: confidence, replicates: 0)
    }
}
