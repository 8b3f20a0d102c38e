import FocalBackbone
import FocalDatasets
import FocalTraining
import Foundation

/// Trains a concept model on a dataset revision: embeds its training samples
/// (through the cache), fits the logistic head, and records where the model
/// came from (backbone, weights hash, revision hash) in the model file.
public struct ConceptTrainer {
    public var head: LogisticHead
    /// Only these concepts (default: every concept with positives in training).
    public var concepts: [String]?
    /// Whole images (the default), labelled regions, or both; see `ExampleKind`.
    public var examples = RegionExampleOptions()
    /// The taxonomy the labels follow, recorded in the model (its SHA-256) and,
    /// with `hierarchy` `.propagate`, applied to the training labels.
    public var taxonomy: Taxonomy?
    public var hierarchy: HierarchyMode = .none

    /// `stopping`: `.tolerances` (the default here), the fixed tolerances (1e-6
    /// and 1e-10 for the model, scikit-learn's 1e-4 with 1e-6 for the folds), or
    /// `.statisticalNoise` (see `SolverOptions`), which `focal train` uses. The
    /// library keeps the optimum itself by default because its callers read more
    /// than metrics off the weights: influence functions (advice and its
    /// verification) are derived at the exact optimum, and their rankings move
    /// with weights the metrics cannot tell apart.
    public init(c: Double? = nil, seed: UInt64 = 0, exclusive: Bool = false, folds: Int = 5, concepts: [String]? = nil,
                stopping: StoppingRule = .tolerances) {
        let tolerances = stopping == .tolerances
        head = LogisticHead(mode: exclusive ? .exclusive : .multiLabel, c: c,
                            solver: tolerances ? .tolerances() : SolverOptions(),
                            crossValidation: CrossValidationOptions(
                                folds: folds, seed: seed,
                                solver: tolerances ? .tolerances(gradient: 1e-4, objective: 1e-6) : SolverOptions()))
        self.concepts = concepts
    }

    public struct Outcome {
        public var model: HeadModel
        public var training: LabelledFeatures
        public var revision: String
    }

    /// The concepts a dataset can train: those with at least one positive and
    /// one negative among its training samples.
    public static func trainableConcepts(_ samples: [Sample]) -> [String] {
        let (positives, negatives) = labelCounts(samples)
        return positives.keys.filter { negatives[$0, default: 0] > 0 }.sorted()
    }

    /// Per concept, how many samples list it as a positive and as a negative.
    static func labelCounts(_ samples: [Sample]) -> (positives: [String: Int], negatives: [String: Int]) {
        var positives: [String: Int] = [:], negatives: [String: Int] = [:]
        for s in samples {
            for c in s.positives { positives[c, default: 0] += 1 }
            for c in s.negatives { negatives[c, default: 0] += 1 }
        }
        return (positives, negatives)
    }

    /// The one line for a dataset with no trainable concept, saying what it does have.
    public static func nothingToTrain(_ samples: [Sample], columns: [String]? = nil) -> String {
        if let columns, !columns.contains("positives") {
            return "no 'positives' column (the columns are \(columns.joined(separator: ", "))), so no image is a positive to train on"
        }
        if samples.isEmpty { return "no training rows" }
        let positives = samples.reduce(0) { $0 + $1.positives.count }, negatives = samples.reduce(0) { $0 + $1.negatives.count }
        if positives == 0 && negatives == 0 { return "no labels: every row's positives and negatives are empty" }
        return "no concept has both positives and negatives to train on (\(positives) positive and \(negatives) negative labels in all)"
    }

    /// Why each concept the samples name but cannot train was left out: one
    /// line per concept with positives and no negatives, so a model never
    /// silently lacks a concept its data mentions. (The reverse, negatives
    /// and no positives, is already a dataset issue the manifest reader notes.)
    public static func untrainableConcepts(_ samples: [Sample]) -> [String] {
        let (positives, negatives) = labelCounts(samples)
        return positives.keys.sorted().filter { negatives[$0, default: 0] == 0 }.map { concept in
            let p = positives[concept]!
            return "concept '\(concept)' has \(p) positive\(p == 1 ? "" : "s") and no negatives, so it is not trained; "
                + "list it in the negatives of images that do not show it"
        }
    }

    /// The dataset's training samples, with labels propagated up and down the
    /// taxonomy's hierarchy when asked.
    public func trainingSamples(_ dataset: Dataset) -> [Sample] {
        labelled(dataset.trainingSamples)
    }

    public func train(_ dataset: Dataset, featurizer: Featurizer, progress: ((Int, Int) -> Void)? = nil) throws -> Outcome {
        let samples = trainingSamples(dataset)
        let exclusive = head.mode == .exclusive
        let concepts = self.concepts ?? (exclusive ? Array(Set(samples.flatMap(\.positives))).sorted()
                                                   : Self.trainableConcepts(samples))
        guard !concepts.isEmpty else {
            throw DatasetError(file: dataset.source, Self.nothingToTrain(samples, columns: dataset.columns))
        }
        let wholeImages = examples.kind == .images && !examples.backgroundNegatives
        if !wholeImages {
            // A crop or a background is not an example of exactly one class, and an
            // unknown label masked by a box must stay unknown.
            guard !exclusive else { throw TrainingError.invalidOption("region examples and background negatives need one score per concept, not --exclusive") }
            guard head.negatives == .labelledOnly else { throw TrainingError.invalidOption("region examples need negatives that are labelled, not inferred") }
        }
        let data = wholeImages
            ? try LabelledFeatures(samples: samples, concepts: concepts, featurizer: featurizer, progress: progress)
            : try LabelledFeatures(samples: samples, concepts: concepts, examples: examples,
                                   taxonomy: hierarchy == .propagate ? taxonomy : nil, featurizer: featurizer, progress: progress)
        guard data.samples.count >= 2 else {
            throw DatasetError(file: dataset.source, "only \(data.samples.count) readable training \(wholeImages ? "images" : "examples")")
        }
        var model = try head.fit(data.features, data.labels, concepts: concepts, groups: data.groups, scored: data.scored)
        model.training.examples = data.examples
        let revision = dataset.revision(imageHashes: data.hashes)
        var notes = ["dataset": dataset.source, "skipped_images": "\(data.skipped.count)"]
        if let taxonomy {
            notes["taxonomy"] = taxonomy.file
            notes["taxonomy_sha256"] = taxonomy.sha256
            notes["hierarchy"] = hierarchy.rawValue
        }
        model.provenance = Provenance(backbone: featurizer.storeKey, backboneSHA256: Backbone.weightsSHA256,
                                      trainingRevision: revision, notes: notes)
        return Outcome(model: model, training: data, revision: revision)
    }
}

extension HeadModel {
    /// Reads a model file and checks it was trained on this backbone's features.
    public static func load(_ path: String, backbone: Backbone) throws -> HeadModel {
        let model: HeadModel
        guard FileManager.default.fileExists(atPath: path) else { throw ModelFileError(file: path, message: "no such model file") }
        do { model = try HeadModel.read(from: path) } catch let error as DecodingError {
            throw ModelFileError(file: path, message: "not a Focal model file (\(describe(error)))")
        } catch let error as TrainingError {
            throw ModelFileError(file: path, message: error.description)
        } catch {
            throw ModelFileError(file: path, message: "cannot read the model: \(error)")
        }
        if let sha = model.provenance.backboneSHA256, sha != Backbone.weightsSHA256 {
            throw ModelFileError(file: path, message: "trained on another backbone (weights \(sha.prefix(12))…); retrain it")
        }
        guard model.featureCount == EfficientNetLite0.embeddingSize else {
            throw ModelFileError(file: path, message: "expects \(model.featureCount) features, the backbone gives \(EfficientNetLite0.embeddingSize)")
        }
        return model
    }

    /// Probabilities for one embedding, one per concept.
    public func probabilities(embedding: [Float]) -> [Double] {
        predictProbabilities(FeatureMatrix(rows: 1, columns: embedding.count, values: embedding))
    }
}
