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

    public init(c: Double? = nil, seed: UInt64 = 0, exclusive: Bool = false, folds: Int = 5, concepts: [String]? = nil) {
        head = LogisticHead(mode: exclusive ? .exclusive : .multiLabel, c: c,
                            crossValidation: CrossValidationOptions(folds: folds, seed: seed))
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
        var positives: [String: Int] = [:], negatives: [String: Int] = [:]
        for s in samples {
            for c in s.positives { positives[c, default: 0] += 1 }
            for c in s.negatives { negatives[c, default: 0] += 1 }
        }
        return positives.keys.filter { negatives[$0, default: 0] > 0 }.sorted()
    }

    public func train(_ dataset: Dataset, featurizer: Featurizer, progress: ((Int, Int) -> Void)? = nil) throws -> Outcome {
        let samples = dataset.trainingSamples
        let exclusive = head.mode == .exclusive
        let concepts = self.concepts ?? (exclusive ? Array(Set(samples.flatMap(\.positives))).sorted()
                                                   : Self.trainableConcepts(samples))
        guard !concepts.isEmpty else {
            throw DatasetError(file: dataset.source, "no concept has both positives and negatives to train on")
        }
        let data = try LabelledFeatures(samples: samples, concepts: concepts, featurizer: featurizer, progress: progress)
        guard data.samples.count >= 2 else {
            throw DatasetError(file: dataset.source, "only \(data.samples.count) readable training images")
        }
        var model = try head.fit(data.features, data.labels, concepts: concepts)
        let revision = dataset.revision(imageHashes: data.hashes)
        model.provenance = Provenance(backbone: featurizer.storeKey, backboneSHA256: Backbone.weightsSHA256,
                                      trainingRevision: revision,
                                      notes: ["dataset": dataset.source, "skipped_images": "\(data.skipped.count)"])
        return Outcome(model: model, training: data, revision: revision)
    }
}

extension HeadModel {
    /// Reads a model file and checks it was trained on this backbone's features.
    public static func load(_ path: String, backbone: Backbone) throws -> HeadModel {
        let model: HeadModel
        do { model = try HeadModel.read(from: path) } catch let error as DecodingError {
            throw DatasetError(file: path, "not a Focal model file (\(error.localizedDescription))")
        } catch let error as TrainingError {
            throw DatasetError(file: path, error.description)
        } catch {
            throw DatasetError(file: path, "cannot read the model: \(error.localizedDescription)")
        }
        if let sha = model.provenance.backboneSHA256, sha != Backbone.weightsSHA256 {
            throw DatasetError(file: path, "trained on another backbone (weights \(sha.prefix(12))…); retrain it")
        }
        guard model.featureCount == EfficientNetLite0.embeddingSize else {
            throw DatasetError(file: path, "expects \(model.featureCount) features, the backbone gives \(EfficientNetLite0.embeddingSize)")
        }
        return model
    }

    /// Probabilities for one embedding, one per concept.
    public func probabilities(embedding: [Float]) -> [Double] {
        predictProbabilities(FeatureMatrix(rows: 1, columns: embedding.count, values: embedding))
    }
}
