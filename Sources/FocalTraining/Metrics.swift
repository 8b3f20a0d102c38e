import Foundation

/// Evaluation metrics, with scikit-learn's definitions unless a comment says
/// otherwise. Samples whose label is unknown are left out by the callers that
/// take `LabelMatrix`es; functions on plain arrays take what they are given.
public enum Metrics {
    /// The four counts of binary decisions against the truth.
    public struct Counts: Codable, Sendable, Equatable {
        public var truePositives = 0, falsePositives = 0, trueNegatives = 0, falseNegatives = 0

        public init(predicted: [Bool], actual: [Bool]) {
            precondition(predicted.count == actual.count)
            for (p, a) in zip(predicted, actual) {
                switch (p, a) {
                case (true, true): truePositives += 1
                case (true, false): falsePositives += 1
                case (false, false): trueNegatives += 1
                case (false, true): falseNegatives += 1
                }
            }
        }

        /// tp / (tp + fp); 0 when nothing is predicted positive (sklearn's zero_division=0).
        public var precision: Double { ratio(truePositives, truePositives + falsePositives) }
        /// tp / (tp + fn); 0 when there are no positives.
        public var recall: Double { ratio(truePositives, truePositives + falseNegatives) }
        /// 2tp / (2tp + fp + fn), the harmonic mean of precision and recall; 0 when undefined.
        public var f1: Double { ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives) }
        public var accuracy: Double {
            ratio(truePositives + trueNegatives, truePositives + trueNegatives + falsePositives + falseNegatives)
        }
        /// Precision, NaN when nothing is predicted positive: for reports, where
        /// an undefined number must read as undefined, not as a measured 0.
        public var definedPrecision: Double { truePositives + falsePositives == 0 ? .nan : precision }
        /// Recall, NaN when there are no positives.
        public var definedRecall: Double { truePositives + falseNegatives == 0 ? .nan : recall }
        /// F1, NaN when there are no positives (recall, one of its two terms, is undefined).
        public var definedF1: Double { truePositives + falseNegatives == 0 ? .nan : f1 }
        /// fp / (fp + tn); NaN when there are no negatives (a rate of nothing is undefined, not 0).
        public var falsePositiveRate: Double {
            falsePositives + trueNegatives == 0 ? .nan : Double(falsePositives) / Double(falsePositives + trueNegatives)
        }
    }

    public static func precision(predicted: [Bool], actual: [Bool]) -> Double { Counts(predicted: predicted, actual: actual).precision }
    public static func recall(predicted: [Bool], actual: [Bool]) -> Double { Counts(predicted: predicted, actual: actual).recall }
    public static func f1(predicted: [Bool], actual: [Bool]) -> Double { Counts(predicted: predicted, actual: actual).f1 }
    public static func falsePositiveRate(predicted: [Bool], actual: [Bool]) -> Double {
        Counts(predicted: predicted, actual: actual).falsePositiveRate
    }

    /// Exact-match (subset) accuracy: the fraction of rows whose every known label
    /// is predicted right. Rows with no known label are left out; NaN if none remain.
    public static func exactMatchAccuracy(predicted: LabelMatrix, actual: LabelMatrix) -> Double {
        precondition(predicted.rows == actual.rows && predicted.concepts == actual.concepts)
        var right = 0, total = 0
        for i in 0..<actual.rows {
            var known = false, correct = true
            for c in 0..<actual.concepts where actual[i, c] != .unknown {
                known = true
                if predicted[i, c] != actual[i, c] { correct = false }
            }
            if known { total += 1; if correct { right += 1 } }
        }
        return total == 0 ? .nan : Double(right) / Double(total)
    }

    /// Per concept, the fraction of its known labels predicted right (NaN if none known).
    public static func perLabelAccuracy(predicted: LabelMatrix, actual: LabelMatrix) -> [Double] {
        precondition(predicted.rows == actual.rows && predicted.concepts == actual.concepts)
        return (0..<actual.concepts).map { c in
            var right = 0, total = 0
            for i in 0..<actual.rows where actual[i, c] != .unknown {
                total += 1
                if predicted[i, c] == actual[i, c] { right += 1 }
            }
            return total == 0 ? .nan : Double(right) / Double(total)
        }
    }

    /// matrix[actual][predicted], as sklearn's `confusion_matrix` (rows are the truth).
    public static func confusionMatrix(predicted: [Int], actual: [Int], classes: Int) -> [[Int]] {
        precondition(predicted.count == actual.count)
        var m = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (p, a) in zip(predicted, actual) { m[a][p] += 1 }
        return m
    }

    /// Mean binary log loss −[y·log p + (1−y)·log(1−p)], p clipped to [1e−15, 1−1e−15].
    public static func logLoss(probabilities: [Double], actual: [Bool]) -> Double {
        precondition(probabilities.count == actual.count)
        guard !actual.isEmpty else { return .nan }
        var total = 0.0
        for (p, y) in zip(probabilities, actual) {
            let q = min(max(p, 1e-15), 1 - 1e-15)
            total -= y ? log(q) : log(1 - q)
        }
        return total / Double(actual.count)
    }

    /// Expected calibration error over `bins` equal-width bins of [0, 1]:
    /// Σ_b (n_b / n)·|mean outcome_b − mean confidence_b|, a confidence of exactly
    /// 1 falling in the last bin. For a binary concept pass P(positive) and
    /// whether the sample is positive; for an exclusive model, the top
    /// probability and whether the top concept is right (top-label ECE).
    public static func expectedCalibrationError(confidences: [Double], outcomes: [Bool], bins: Int = 10) -> Double {
        guard !outcomes.isEmpty else { return .nan }
        return calibrationBins(confidences: confidences, outcomes: outcomes, bins: bins).reduce(0) { ece, bin in
            ece + Double(bin.count) / Double(outcomes.count) * abs(bin.observedFrequency - bin.meanConfidence)
        }
    }
}

@inline(__always)
func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
