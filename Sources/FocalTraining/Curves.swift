/// The curves behind the ranking and calibration metrics, for plotting: the
/// same tie grouping as `averagePrecision` and `rocAUC`, the same bins as
/// `expectedCalibrationError`.
extension Metrics {
    /// One point of a precision-recall or ROC curve: the counts when predicting
    /// positive for scores ≥ `threshold`.
    public struct CurvePoint: Codable, Sendable, Equatable {
        public var threshold: Double
        public var x: Double
        public var y: Double

        public init(threshold: Double, x: Double, y: Double) {
            self.threshold = threshold
            self.x = x
            self.y = y
        }
    }

    /// One bin of a reliability diagram.
    public struct CalibrationBin: Codable, Sendable, Equatable {
        /// [lower, upper) of the confidences in the bin (the last bin includes 1).
        public var lower: Double
        public var upper: Double
        public var count: Int
        public var meanConfidence: Double
        /// The share of the bin's samples whose outcome is true.
        public var observedFrequency: Double
    }

    /// Precision (y) against recall (x) at each distinct score, high to low, as
    /// sklearn's `precision_recall_curve` without its appended (0, 1) point.
    /// Empty when there is no positive.
    public static func precisionRecallCurve(scores: [Double], actual: [Bool]) -> [CurvePoint] {
        let (tp, fp) = cumulativeCounts(scores: scores, actual: actual)
        guard let positives = tp.last, positives > 0 else { return [] }
        let thresholds = distinctScores(scores)
        return tp.indices.map { g in
            CurvePoint(threshold: thresholds[g], x: Double(tp[g]) / Double(positives), y: Double(tp[g]) / Double(tp[g] + fp[g]))
        }
    }

    /// True-positive rate (y) against false-positive rate (x) at each distinct
    /// score, high to low, as sklearn's `roc_curve(drop_intermediate=False)`
    /// without its (0, 0) point at an infinite threshold (which JSON cannot hold;
    /// a plot starts there). Empty unless both classes are present.
    public static func rocCurve(scores: [Double], actual: [Bool]) -> [CurvePoint] {
        let (tp, fp) = cumulativeCounts(scores: scores, actual: actual)
        guard let positives = tp.last, let negatives = fp.last, positives > 0, negatives > 0 else { return [] }
        let thresholds = distinctScores(scores)
        return tp.indices.map { g in
            CurvePoint(threshold: thresholds[g], x: Double(fp[g]) / Double(negatives), y: Double(tp[g]) / Double(positives))
        }
    }

    /// The non-empty bins of `bins` equal-width bins of [0, 1], low to high.
    public static func calibrationBins(confidences: [Double], outcomes: [Bool], bins: Int = 10) -> [CalibrationBin] {
        precondition(confidences.count == outcomes.count && bins > 0)
        var count = [Int](repeating: 0, count: bins)
        var confidence = [Double](repeating: 0, count: bins), hits = [Double](repeating: 0, count: bins)
        for (p, o) in zip(confidences, outcomes) {
            let b = min(max(Int(p * Double(bins)), 0), bins - 1)
            count[b] += 1
            confidence[b] += p
            if o { hits[b] += 1 }
        }
        return (0..<bins).filter { count[$0] > 0 }.map { b in
            CalibrationBin(lower: Double(b) / Double(bins), upper: Double(b + 1) / Double(bins), count: count[b],
                           meanConfidence: confidence[b] / Double(count[b]), observedFrequency: hits[b] / Double(count[b]))
        }
    }

    /// The distinct scores, high to low: the thresholds aligned with `cumulativeCounts`.
    static func distinctScores(_ scores: [Double]) -> [Double] {
        var distinct: [Double] = []
        for s in scores.sorted(by: >) where distinct.last != s { distinct.append(s) }
        return distinct
    }
}
