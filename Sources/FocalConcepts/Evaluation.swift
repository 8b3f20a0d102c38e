import FocalTraining
import Foundation

/// How a concept model does on a labelled test set, with bootstrap 95%
/// intervals and the images it gets most wrong.
public struct EvaluationReport: Codable, Sendable {
    public struct Example: Codable, Sendable, Equatable {
        public var image: String
        public var score: Double
    }

    public struct ConceptMetrics: Codable, Sendable {
        public var concept: String
        public var positives: Int
        public var negatives: Int
        public var threshold: Double
        public var precision: Interval
        public var recall: Interval
        public var f1: Interval
        public var falsePositiveRate: Interval
        public var averagePrecision: Interval
        public var rocAUC: Interval
        public var accuracy: Double
        /// 10 equal-width bins of P(concept) against the labels.
        public var calibrationError: Double
        /// Negatives scored highest, then positives scored lowest (at most 10 each).
        public var worstFalsePositives: [Example]
        public var worstFalseNegatives: [Example]
        /// The points behind AP, ROC AUC and the calibration error, for plots.
        public var curves: Curves? = nil
        /// The concept's description in the taxonomy, when one was given.
        public var description: String? = nil
    }

    /// Precision-recall and ROC points per distinct score, and the calibration bins.
    public struct Curves: Codable, Sendable {
        public var precisionRecall: [Metrics.CurvePoint]
        public var roc: [Metrics.CurvePoint]
        public var calibration: [Metrics.CalibrationBin]

        public init(scores: [Double], actual: [Bool]) {
            precisionRecall = Metrics.precisionRecallCurve(scores: scores, actual: actual)
            roc = Metrics.rocCurve(scores: scores, actual: actual)
            calibration = Metrics.calibrationBins(confidences: scores, outcomes: actual)
        }
    }

    public var model: String
    public var dataset: String
    public var samples: Int
    public var skipped: [String]
    /// Samples whose every known label is predicted right.
    public var exactMatchAccuracy: Interval
    /// Per concept, the share of its labelled samples decided right.
    public var perLabelAccuracy: [String: Double]
    /// Exclusive models: [actual][predicted] over `concepts` order.
    public var confusionMatrix: [[Int]]?
    public var concepts: [ConceptMetrics]
}

/// Scores a model on test features and labels and fills an `EvaluationReport`.
public struct Evaluator {
    public var replicates = 1000
    public var seed: UInt64 = 0
    public var worstCount = 10

    public init(replicates: Int = 1000, seed: UInt64 = 0) {
        self.replicates = replicates
        self.seed = seed
    }

    /// Decisions and probabilities for every test sample, N×K.
    public struct Scores {
        public var probabilities: [Double]
        public var decisions: [Bool]
    }

    public static func scores(_ model: HeadModel, _ data: LabelledFeatures) -> Scores {
        let probabilities = data.samples.isEmpty ? [] : model.predictProbabilities(data.features)
        let predicted = data.samples.isEmpty ? [] : model.predict(data.features).values.map { $0 == .positive }
        return Scores(probabilities: probabilities, decisions: predicted)
    }

    /// Rows labelled negative for concept `c` (the model's index) on which the
    /// model fires, highest score first: the false positives to explain.
    public static func falsePositives(_ model: HeadModel, _ data: LabelledFeatures, concept c: Int) -> [Int] {
        guard !data.samples.isEmpty, let t = data.concepts.firstIndex(of: model.concepts[c]) else { return [] }
        let k = model.concepts.count
        let scores = Self.scores(model, data)
        return data.samples.indices
            .filter { data.labels[$0, t] == .negative && scores.decisions[$0 * k + c] }
            .sorted { scores.probabilities[$0 * k + c] > scores.probabilities[$1 * k + c] }
    }

    public func evaluate(_ model: HeadModel, on data: LabelledFeatures, modelPath: String, datasetPath: String) -> EvaluationReport {
        let k = model.concepts.count
        let scores = Self.scores(model, data)
        var concepts: [EvaluationReport.ConceptMetrics] = []
        var perLabel: [String: Double] = [:]
        for (c, name) in model.concepts.enumerated() {
            let known = (0..<data.samples.count).filter { data.labels[$0, c] != .unknown }
            let actual = known.map { data.labels[$0, c] == .positive }
            let p = known.map { scores.probabilities[$0 * k + c] }
            let decided = known.map { scores.decisions[$0 * k + c] }
            func interval(_ statistic: @escaping ([Int]) -> Double) -> Interval {
                guard !known.isEmpty else { return Interval.undefined() }
                return Bootstrap.interval(samples: known.count, replicates: replicates, seed: seed &+ UInt64(c), statistic: statistic)
            }
            func pick(_ idx: [Int], _ v: [Bool]) -> [Bool] { idx.map { v[$0] } }
            func pick(_ idx: [Int], _ v: [Double]) -> [Double] { idx.map { v[$0] } }
            let falsePositives = known.indices.filter { !actual[$0] && decided[$0] }.sorted { p[$0] > p[$1] }
            let falseNegatives = known.indices.filter { actual[$0] && !decided[$0] }.sorted { p[$0] < p[$1] }
            let correct = zip(actual, decided).filter { $0 == $1 }.count
            perLabel[name] = known.isEmpty ? .nan : Double(correct) / Double(known.count)
            concepts.append(.init(
                concept: name,
                positives: actual.filter { $0 }.count, negatives: actual.filter { !$0 }.count,
                threshold: model.mode == .multiLabel ? model.thresholds[c] : .nan,
                precision: interval { Metrics.Counts(predicted: pick($0, decided), actual: pick($0, actual)).definedPrecision },
                recall: interval { Metrics.Counts(predicted: pick($0, decided), actual: pick($0, actual)).definedRecall },
                f1: interval { Metrics.Counts(predicted: pick($0, decided), actual: pick($0, actual)).definedF1 },
                falsePositiveRate: interval { Metrics.falsePositiveRate(predicted: pick($0, decided), actual: pick($0, actual)) },
                averagePrecision: interval { Metrics.averagePrecision(scores: pick($0, p), actual: pick($0, actual)) },
                rocAUC: interval { Metrics.rocAUC(scores: pick($0, p), actual: pick($0, actual)) },
                accuracy: perLabel[name]!,
                calibrationError: known.isEmpty ? .nan : Metrics.expectedCalibrationError(confidences: p, outcomes: actual),
                worstFalsePositives: falsePositives.prefix(worstCount).map { .init(image: data.samples[known[$0]].path, score: p[$0]) },
                worstFalseNegatives: falseNegatives.prefix(worstCount).map { .init(image: data.samples[known[$0]].path, score: p[$0]) },
                curves: .init(scores: p, actual: actual)))
        }
        // Exact match: every known label of a sample decided right.
        let rightRow: [Bool] = (0..<data.samples.count).map { i in
            (0..<k).allSatisfy { c in data.labels[i, c] == .unknown || (data.labels[i, c] == .positive) == scores.decisions[i * k + c] }
        }
        let exact = data.samples.isEmpty
            ? Interval.undefined()
            : Bootstrap.interval(samples: rightRow.count, replicates: replicates, seed: seed) { idx in
                Double(idx.filter { rightRow[$0] }.count) / Double(idx.count)
            }
        var confusion: [[Int]]?
        if model.mode == .exclusive {
            var actualClass: [Int] = [], predictedClass: [Int] = []
            for i in 0..<data.samples.count {
                guard let a = (0..<k).first(where: { data.labels[i, $0] == .positive }) else { continue }
                actualClass.append(a)
                predictedClass.append((0..<k).first { scores.decisions[i * k + $0] } ?? 0)
            }
            confusion = Metrics.confusionMatrix(predicted: predictedClass, actual: actualClass, classes: k)
        }
        return EvaluationReport(model: modelPath, dataset: datasetPath, samples: data.samples.count,
                                skipped: data.skipped.map(\.sample.path), exactMatchAccuracy: exact,
                                perLabelAccuracy: perLabel, confusionMatrix: confusion, concepts: concepts)
    }
}
