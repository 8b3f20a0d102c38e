import FocalTraining
import Foundation

/// Two revisions of a training set, trained the same way and scored on the
/// same test set: each metric side by side with a paired bootstrap interval of
/// the difference, an exact McNemar test per concept, and the test images whose
/// decision flipped.
public struct ComparisonReport: Codable, Sendable {
    public struct Side: Codable, Sendable {
        public var dataset: String
        public var revision: String
        public var trainingSamples: Int
        public var c: [Double]
        /// What the model learned from, when not whole images only (`--examples-a/-b`).
        public var examples: ExampleRecord?

        public init(dataset: String, revision: String, trainingSamples: Int, c: [Double], examples: ExampleRecord? = nil) {
            self.dataset = dataset
            self.revision = revision
            self.trainingSamples = trainingSamples
            self.c = c
            self.examples = examples
        }
    }

    public struct Metric: Codable, Sendable {
        public var name: String
        public var a: Double
        public var b: Double
        /// b − a, with its paired bootstrap 95% interval.
        public var difference: Interval
    }

    public struct ConceptComparison: Codable, Sendable {
        public var concept: String
        public var metrics: [Metric]
        public var mcnemar: McNemar
        /// Decided wrong by A and right by B.
        public var fixed: [String]
        /// Decided right by A and wrong by B.
        public var broken: [String]
        /// The concept's description in the taxonomy, when one was given.
        public var description: String? = nil
    }

    public var a: Side
    public var b: Side
    public var test: String
    public var samples: Int
    public var concepts: [ConceptComparison]
}

public struct Comparer {
    public var replicates = 1000
    public var seed: UInt64 = 0

    public init(replicates: Int = 1000, seed: UInt64 = 0) {
        self.replicates = replicates
        self.seed = seed
    }

    /// Compares models A and B (same concepts) on one test set.
    public func compare(a: HeadModel, b: HeadModel, sideA: ComparisonReport.Side, sideB: ComparisonReport.Side,
                        test: LabelledFeatures, testPath: String) -> ComparisonReport {
        let sa = Evaluator.scores(a, test), sb = Evaluator.scores(b, test)
        var concepts: [ComparisonReport.ConceptComparison] = []
        for name in a.concepts where b.concepts.contains(name) && test.concepts.contains(name) {
            let ca = a.concepts.firstIndex(of: name)!, cb = b.concepts.firstIndex(of: name)!
            let ct = test.concepts.firstIndex(of: name)!
            let known = (0..<test.samples.count).filter { test.labels[$0, ct] != .unknown }
            let actual = known.map { test.labels[$0, ct] == .positive }
            let pa = known.map { sa.probabilities[$0 * a.concepts.count + ca] }
            let pb = known.map { sb.probabilities[$0 * b.concepts.count + cb] }
            let da = known.map { sa.decisions[$0 * a.concepts.count + ca] }
            let db = known.map { sb.decisions[$0 * b.concepts.count + cb] }
            func pick<T>(_ idx: [Int], _ v: [T]) -> [T] { idx.map { v[$0] } }
            let statistics: [(String, ([Int], [Double], [Bool]) -> Double)] = [
                ("precision", { i, _, d in Metrics.precision(predicted: pick(i, d), actual: pick(i, actual)) }),
                ("recall", { i, _, d in Metrics.recall(predicted: pick(i, d), actual: pick(i, actual)) }),
                ("f1", { i, _, d in Metrics.f1(predicted: pick(i, d), actual: pick(i, actual)) }),
                ("false_positive_rate", { i, _, d in Metrics.falsePositiveRate(predicted: pick(i, d), actual: pick(i, actual)) }),
                ("accuracy", { i, _, d in Metrics.Counts(predicted: pick(i, d), actual: pick(i, actual)).accuracy }),
                ("average_precision", { i, p, _ in Metrics.averagePrecision(scores: pick(i, p), actual: pick(i, actual)) }),
                ("roc_auc", { i, p, _ in Metrics.rocAUC(scores: pick(i, p), actual: pick(i, actual)) }),
            ]
            let all = Array(known.indices)
            let metrics = statistics.map { name, f in
                ComparisonReport.Metric(
                    name: name, a: f(all, pa, da), b: f(all, pb, db),
                    difference: Bootstrap.pairedDifference(samples: max(1, known.count), replicates: replicates, seed: seed,
                                                           { f($0, pb, db) }, { f($0, pa, da) }))
            }
            let rightA = zip(da, actual).map { $0 == $1 }, rightB = zip(db, actual).map { $0 == $1 }
            concepts.append(.init(
                concept: name, metrics: metrics, mcnemar: McNemar(aCorrect: rightA, bCorrect: rightB),
                fixed: known.indices.filter { !rightA[$0] && rightB[$0] }.map { test.samples[known[$0]].path },
                broken: known.indices.filter { rightA[$0] && !rightB[$0] }.map { test.samples[known[$0]].path }))
        }
        return ComparisonReport(a: sideA, b: sideB, test: testPath, samples: test.samples.count, concepts: concepts)
    }
}
