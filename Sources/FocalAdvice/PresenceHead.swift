import FocalConcepts
import FocalDatasets
import FocalTraining

/// A head that tells the concept from its context, to keep photos that show
/// the concept out of the counter-examples.
///
/// The advised model cannot do it: most of its positives show the context, so
/// a photo of the context scores nearly as high as one of the concept. This
/// head learns where both sides show the context: the positives judged focal
/// against photos known to show the context without the concept (training
/// negatives that show the drivers, and the false positives being advised on,
/// which the user says lack it). What is left to separate them is the concept
/// itself. Its threshold is its own, chosen by cross-validation like any
/// concept head's, so nothing here is tuned to one dataset.
public struct PresenceHead {
    public let model: HeadModel
    /// How many photos each side was trained on.
    public let positives: Int, negatives: Int

    /// Each side needs one photo per fold.
    public static let folds = 5

    /// The probability at which the head calls the concept present.
    public var threshold: Double { model.thresholds[0] }

    /// - Parameters:
    ///   - training: the embedded training samples.
    ///   - excluded: positives not to learn from (those judged not focal).
    ///   - search: the concept and its drivers; a training negative shows the
    ///     context when `search.showsContext` says so of its labels.
    ///   - falsePositives: the embedded photos the model wrongly fires on.
    /// - Returns: nil when either side has fewer than `folds` photos.
    public static func train(training: LabelledFeatures, excluded: Set<String>, search: CounterExampleSearch,
                             falsePositives: FeatureMatrix, seed: UInt64 = 0) throws -> PresenceHead? {
        let concept = search.concept, samples = training.samples
        let focal = samples.indices.filter { samples[$0].label(concept) == true && !excluded.contains(samples[$0].path) }
        let context = samples.indices.filter {
            samples[$0].label(concept) == false && search.showsContext(Elements.known(in: samples[$0], except: concept))
        }
        let negatives = context.count + falsePositives.rows
        guard !search.drivers.isEmpty, focal.count >= folds, negatives >= folds else { return nil }
        let positive = training.features.rows(focal), negative = training.features.rows(context)
        let features = FeatureMatrix(rows: focal.count + negatives, columns: training.features.columns,
                                     values: positive.values + negative.values + falsePositives.values)
        let labels = LabelMatrix(rows: features.rows, concepts: 1,
                                 values: Array(repeating: .positive, count: focal.count) + Array(repeating: .negative, count: negatives))
        // Fixed tolerances, like the element scorer's: a small problem, solved to its optimum.
        let head = LogisticHead(solver: .tolerances(),
                                crossValidation: CrossValidationOptions(folds: folds, seed: seed,
                                                                        solver: .tolerances(gradient: 1e-4, objective: 1e-6)))
        return PresenceHead(model: try head.fit(features, labels, concepts: [concept]), positives: focal.count, negatives: negatives)
    }

    /// The probability of the concept per row.
    public func probabilities(_ features: FeatureMatrix) -> [Double] { model.predictProbabilities(features) }
}
