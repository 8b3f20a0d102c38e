import FocalTraining

/// Representativeness: a domain classifier (the concept head, trained to tell
/// training images from target images) and its cross-validated ROC AUC. 0.5
/// means it cannot tell them apart: the training data is representative of
/// what the model will see. The target images it is surest about are the
/// ones least like the training data.
public struct ShiftReport: Codable, Sendable, Equatable {
    public var trainingImages: Int
    public var targetImages: Int
    /// Out-of-fold ROC AUC with a bootstrap interval.
    public var rocAUC: Interval
    /// Target images, least like the training data first, with P(target).
    public var leastLike: [ScoredImage]

    public struct ScoredImage: Codable, Sendable, Equatable {
        public var image: String
        public var score: Double
    }

    /// AUC thresholds for low, medium and high findings.
    public static let lowAUC = 0.65, mediumAUC = 0.75, highAUC = 0.9
    /// How many least-like images a report keeps.
    public static let listed = 20

    /// Trains and cross-validates the domain classifier.
    public static func measure(training: FeatureMatrix, target: FeatureMatrix, targetPaths: [String],
                               outOfFold: OutOfFold) throws -> ShiftReport? {
        guard training.rows >= outOfFold.folds, target.rows >= outOfFold.folds else { return nil }
        let x = FeatureMatrix(rows: training.rows + target.rows, columns: training.columns, values: training.values + target.values)
        let labels = LabelMatrix(rows: x.rows, concepts: 1,
                                 values: [ConceptLabel](repeating: .negative, count: training.rows)
                                     + [ConceptLabel](repeating: .positive, count: target.rows))
        let p = try outOfFold.probabilities(x, labels, fold: outOfFold.assignFolds(labels))
        let actual = (0..<x.rows).map { $0 >= training.rows }
        let auc = Bootstrap.interval(samples: x.rows, replicates: LearningCurve.replicates, seed: outOfFold.seed) { idx in
            Metrics.rocAUC(scores: idx.map { p[$0] }, actual: idx.map { actual[$0] })
        }
        let ranked = (0..<target.rows).sorted { p[training.rows + $0] > p[training.rows + $1] }
        return ShiftReport(trainingImages: training.rows, targetImages: target.rows, rocAUC: auc,
                           leastLike: ranked.prefix(listed).map { ScoredImage(image: targetPaths[$0], score: p[training.rows + $0]) })
    }

    func finding(colourWords: String?) -> Finding? {
        let auc = rocAUC.estimate
        guard auc >= Self.lowAUC else { return nil }
        let severity: Severity = auc >= Self.highAUC ? .high : auc >= Self.mediumAUC ? .medium : .low
        return Finding(
            kind: .shift, severity: severity, concept: nil,
            message: "the target images are not like the training images: a classifier tells them apart with cross-validated "
                + "ROC AUC \(number(auc)) [\(number(rocAUC.lower)), \(number(rocAUC.upper))] (0.5 = representative)"
                + (colourWords.map { "; \($0)" } ?? "") + "; least like training: "
                + leastLike.prefix(3).map(\.image).joined(separator: ", "),
            images: leastLike.map(\.image), 
            advice: "add images like the least-like target images to training (label some of them), so training looks like what the model will see",
            scores: leastLike.map(\.score), weight: auc)
    }
}
