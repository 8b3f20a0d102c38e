import FocalConcepts
import FocalDatasets
import FocalTraining

/// The other things a photo shows besides the concept under study: its other
/// labelled concepts and the names of its region annotations. These are the
/// candidates for "what else taught the model".
public enum Elements {
    /// The elements a sample is known to contain (labels and regions), without `concept`.
    public static func known(in sample: Sample, except concept: String) -> Set<String> {
        var names = Set(sample.positives)
        for r in sample.regions { names.insert(r.concept) }
        names.remove(concept)
        return names
    }

    /// Whether a sample is known to contain `concept`: a positive label or a region.
    public static func contains(_ sample: Sample, _ concept: String) -> Bool {
        sample.positives.contains(concept) || sample.regions.contains { $0.concept == concept }
    }
}

/// Scores the elements on images nobody labelled: a head trained on the
/// training set's other concepts (their labels are there, and their embeddings
/// are already cached), so a pool of unlabelled photos can be searched for
/// "veil and greenery, no bouquet".
public struct ElementScorer {
    public let model: HeadModel

    /// Trains on every concept of the embedded training samples other than
    /// `concept` that has at least three positives and three negatives (3-fold
    /// cross-validation needs them); nil when there is none.
    public static func train(_ training: LabelledFeatures, except concept: String, seed: UInt64 = 0) throws -> ElementScorer? {
        let samples = training.samples
        let names = ConceptTrainer.trainableConcepts(samples).filter { name in
            name != concept && samples.filter { $0.label(name) == true }.count >= 3 && samples.filter { $0.label(name) == false }.count >= 3
        }
        guard !names.isEmpty, samples.count >= 2 else { return nil }
        let data = training.relabelled(for: names)
        // Fixed tolerances, like `ConceptTrainer`'s default: the advice reads the weights, not only the metrics.
        let head = LogisticHead(solver: .tolerances(),
                                crossValidation: CrossValidationOptions(folds: 3, seed: seed,
                                                                        solver: .tolerances(gradient: 1e-4, objective: 1e-6)))
        return ElementScorer(model: try head.fit(data.features, data.labels, concepts: names))
    }

    public init(model: HeadModel) { self.model = model }

    public var elements: [String] { model.concepts }

    /// Probability of each element per row: `[element: [p per row]]`.
    public func scores(_ features: FeatureMatrix) -> [String: [Double]] {
        guard features.rows > 0 else { return Dictionary(uniqueKeysWithValues: elements.map { ($0, []) }) }
        let p = model.predictProbabilities(features), k = elements.count
        var out: [String: [Double]] = [:]
        for (j, name) in elements.enumerated() { out[name] = (0..<features.rows).map { p[$0 * k + j] } }
        return out
    }
}
