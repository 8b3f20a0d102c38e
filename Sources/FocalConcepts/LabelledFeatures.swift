import FocalBackbone
import FocalDatasets
import FocalImages
import FocalTraining

/// A dataset's samples as a feature matrix and a label matrix over a fixed list
/// of concepts: what the head is fitted and scored on. Samples whose image
/// could not be embedded are left out and listed with the reason.
public struct LabelledFeatures {
    public var samples: [Sample]
    public var features: FeatureMatrix
    public var labels: LabelMatrix
    public var concepts: [String]
    public var skipped: [(sample: Sample, error: ImageError)]
    /// Content hash per image path (for revision identity).
    public var hashes: [String: String]
    /// The photo each row came from, when rows are region examples (several
    /// rows per photo); nil when every row is its own photo.
    public var groups: [Int]?
    /// How the examples were made, when they are not just whole images.
    public var examples: ExampleRecord?
    /// The whole photos that cross-validation scores, when rows are region examples.
    public var scored: ScoredRows?

    /// Features computed elsewhere (rows in `samples` order).
    public init(samples: [Sample], features: FeatureMatrix, labels: LabelMatrix, concepts: [String]) {
        self.samples = samples
        self.features = features
        self.labels = labels
        self.concepts = concepts
        skipped = []
        hashes = [:]
    }

    public init(samples: [Sample], concepts: [String], featurizer: Featurizer,
                progress: ((Int, Int) -> Void)? = nil) throws {
        let result = try featurizer.embed(paths: samples.map(\.path), progress: progress)
        var kept: [Sample] = [], rows: [Float] = [], labels: [ConceptLabel] = []
        var skipped: [(Sample, ImageError)] = []
        for (sample, outcome) in zip(samples, result.embeddings) {
            switch outcome {
            case .failure(let error): skipped.append((sample, error))
            case .success(let vector):
                kept.append(sample)
                rows += vector
                labels += Self.labels(of: sample, for: concepts)
            }
        }
        self.samples = kept
        self.concepts = concepts
        self.skipped = skipped
        self.hashes = result.hashes
        features = FeatureMatrix(rows: kept.count, columns: EfficientNetLite0.embeddingSize, values: rows)
        self.labels = LabelMatrix(rows: kept.count, concepts: max(1, concepts.count),
                                  values: concepts.isEmpty ? [ConceptLabel](repeating: .unknown, count: kept.count) : labels)
    }

    /// The same samples and features, labelled for other concepts (no embedding again).
    public func relabelled(for concepts: [String]) -> LabelledFeatures {
        var copy = LabelledFeatures(samples: samples, features: features,
                                    labels: LabelMatrix(rows: samples.count, concepts: concepts.count,
                                                        values: samples.flatMap { Self.labels(of: $0, for: concepts) }),
                                    concepts: concepts)
        copy.skipped = skipped
        copy.hashes = hashes
        return copy
    }

    static func labels(of sample: Sample, for concepts: [String]) -> [ConceptLabel] {
        concepts.map { sample.label($0).map { $0 ? .positive : .negative } ?? .unknown }
    }
}
