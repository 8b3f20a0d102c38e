import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalTestSupport
import FocalTraining
import Foundation

/// The shipped generated datasets, embedded once per test process into a
/// temporary store, and ways to cut them into the data sets each test plants
/// a problem in.
enum Fixtures {
    static let repository = Repository.root
    static let storePath = NSTemporaryDirectory() + "focal-health-\(UUID().uuidString).sqlite"
    static let featurizer: Featurizer = {
        Featurizer(backbone: try! Backbone.load(), store: try! EmbeddingStore(path: storePath))
    }()

    /// Every sample of `datasets/NAME`, embedded, labelled for its concepts.
    static func embedded(_ name: String) -> LabelledFeatures {
        let dataset = try! Dataset.open(repository.appendingPathComponent("datasets/\(name)").path)
        return try! LabelledFeatures(samples: dataset.samples, concepts: dataset.concepts, featurizer: featurizer)
    }

    /// apples: every training apple green, half the test apples red (column apple_color).
    static let apples = embedded("apples")
    /// pints: studio photos in train, phone photos in test and pool (column style).
    static let pints = embedded("pints")

    /// The rows of `data` whose sample passes `keep`, relabelled by `relabel` for `concepts`.
    static func select(_ data: LabelledFeatures, concepts: [String]? = nil, where keep: (Sample) -> Bool = { _ in true },
                       relabel: (Sample) -> Sample = { $0 }) -> LabelledFeatures {
        let rows = data.samples.indices.filter { keep(data.samples[$0]) }
        let samples = rows.map { relabel(data.samples[$0]) }
        let names = concepts ?? data.concepts
        let labels = samples.flatMap { s in names.map { s.label($0).map { $0 ? ConceptLabel.positive : .negative } ?? .unknown } }
        var out = LabelledFeatures(samples: samples, features: data.features.rows(rows),
                                   labels: LabelMatrix(rows: rows.count, concepts: names.count, values: labels), concepts: names)
        out.hashes = data.hashes
        return out
    }

    /// Two labelled sets stacked (their concepts must be the same list).
    static func stack(_ a: LabelledFeatures, _ b: LabelledFeatures) -> LabelledFeatures {
        precondition(a.concepts == b.concepts)
        var out = LabelledFeatures(samples: a.samples + b.samples,
                                   features: FeatureMatrix(rows: a.features.rows + b.features.rows, columns: a.features.columns,
                                                           values: a.features.values + b.features.values),
                                   labels: LabelMatrix(rows: a.labels.rows + b.labels.rows, concepts: a.labels.concepts,
                                                       values: a.labels.values + b.labels.values),
                                   concepts: a.concepts)
        out.hashes = a.hashes.merging(b.hashes) { x, _ in x }
        return out
    }

    static func isTrain(_ s: Sample) -> Bool { s.split == .train }
    static func isTest(_ s: Sample) -> Bool { s.split == .test }
}
