import ArgumentParser
import FocalConcepts
import FocalDatasets
import FocalFiles
import FocalTraining
import Foundation

/// `focal train`: fit a concept model on a dataset's embeddings.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a concept model (a logistic head per concept) on a labelled dataset.",
        discussion: """
            DATA is a manifest (.csv or .jsonl), a folder holding manifest.csv, or a folder per concept \
            (DATA/bouquet/*.jpg, DATA/not-bouquet/*.jpg). The train split is used (or every row when \
            there is none). Features are standardised; classes are weighted 'balanced' (each class \
            counts as much as the other, n / (2 · n_class)); C is chosen by 5-fold cross-validation \
            (average precision) unless --c is given; each concept's threshold maximises its \
            out-of-fold F1. With --features X.npy --labels LABELS.csv, trains on your own features \
            (row i of LABELS.csv, with columns positives and negatives, labels row i of X.npy).
            """)

    @Argument(help: "The training dataset (not needed with --features).")
    var data: String?

    @Option(help: "The model file to write (e.g. models/bouquet.focal).")
    var out: String

    @Option(help: "Inverse regularisation strength (default: chosen by cross-validation).")
    var c: Double?

    @Option(help: "Seed for the cross-validation folds.")
    var seed: UInt64 = 0

    @Option(help: "Cross-validation folds.")
    var folds = 5

    @Flag(help: "Concepts are mutually exclusive: one softmax over them.")
    var exclusive = false

    @Option(name: .customLong("concept"), help: "Train only this concept (repeatable).")
    var concepts: [String] = []

    @Option(help: "Your own feature matrix (.npy, float32, rows × dims) instead of images.")
    var features: String?

    @Option(help: "With --features: a CSV with columns positives and negatives, one row per feature row.")
    var labels: String?

    @OptionGroup var exampleOptions: ExampleOptions

    @Flag(help: "Print the model summary as JSON.")
    var json = false

    @OptionGroup var taxonomyOption: TaxonomyOption

    @Option(help: "none: labels as written; propagate: a positive of a concept also counts for its taxonomy ancestors, a negative for its descendants.")
    var hierarchy: HierarchyMode = .none

    @Option(help: ArgumentHelp("When the solver stops: 'statistical' (the objective has settled within a hundredth of its standard error over the samples) or 'tolerances' (fixed tight tolerances, as before; slower).",
                               valueName: "rule"))
    var stopping: String = "statistical"

    @OptionGroup var backboneOptions: BackboneOptions

    func validate() throws {
        if features != nil || labels != nil {
            guard features != nil && labels != nil else { throw ValidationError("--features and --labels go together") }
        } else if data == nil {
            throw ValidationError("name a DATA set, or give --features and --labels")
        }
        if let c, c <= 0 { throw ValidationError("--c must be positive") }
        if exclusive && exampleOptions.options != RegionExampleOptions() {
            throw ValidationError("--examples regions|both and --background-negatives need one score per concept, not --exclusive")
        }
        if features != nil && exampleOptions.options != RegionExampleOptions() {
            throw ValidationError("--examples, --background-negatives and --region-margin need images: they do not apply to --features")
        }
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        guard ["statistical", "tolerances"].contains(stopping) else {
            throw ValidationError("--stopping is 'statistical' or 'tolerances', not '\(stopping)'")
        }
    }

    func run() throws {
        var trainer = ConceptTrainer(c: c, seed: seed, exclusive: exclusive, folds: folds,
                                     concepts: concepts.isEmpty ? nil : concepts,
                                     stopping: stopping == "tolerances" ? .tolerances : .statisticalNoise)
        trainer.examples = exampleOptions.options
        try useTaxonomy(in: &trainer)
        var model: HeadModel
        var skipped = 0
        if let features, let labels {
            model = try trainOnOwnFeatures(features: features, labels: labels, trainer: trainer)
        } else {
            let dataset = try openDataset(data!)
            if concepts.isEmpty && !exclusive {
                ConceptTrainer.untrainableConcepts(trainer.trainingSamples(dataset)).forEach { warn("\(dataset.source): \($0)") }
            }
            let featurizer = try backboneOptions.featurizer()
            let progress = Progress("embedding", total: dataset.trainingSamples.count)
            let outcome = try trainer.train(dataset, featurizer: featurizer) { done, total in progress.set(done, total: total) }
            progress.finish()
            outcome.training.skipped.forEach { warn($0.error.description) }
            skipped = outcome.training.skipped.count
            model = outcome.model
        }
        try makeParentFolder(of: out)
        try model.write(to: out)
        if json {
            print(try jsonText(TrainSummary(model: model, path: out, skipped: skipped)))
        } else {
            var examples = "\(model.training.samples) images"
            if let e = model.training.examples {
                examples = "\(model.training.samples) examples (\(e.images) whole images, \(e.regions) regions, \(e.backgrounds) backgrounds)"
            }
            print("wrote \(out): \(model.concepts.count) concept\(model.concepts.count == 1 ? "" : "s") on \(examples)")
            for (i, name) in model.concepts.enumerated() {
                var line = "  \(name): \(model.training.positives[i]) positives, \(model.training.negatives[i]) negatives, C \(model.regularization[min(i, model.regularization.count - 1)])"
                if let v = model.crossValidation?.concepts.first(where: { $0.concept == name }) {
                    line += ", cross-validated AP \(number(v.averagePrecision)) F1 \(number(v.f1))"
                    if let t = v.threshold { line += " at threshold \(number(t))" }
                }
                print(line)
            }
        }
    }

    func trainOnOwnFeatures(features: String, labels: String, trainer: ConceptTrainer) throws -> HeadModel {
        // The values' only reference ends up in `matrix`, which `fit` consumes
        // and standardises in place: one copy of a 512 MB matrix, not two.
        let matrix: FeatureMatrix = try {
            let file = try NumPyMatrix(path: features)
            return FeatureMatrix(rows: file.rows, columns: file.columns, values: file.values)
        }()
        let table = try Dataset.open(labels, checkImages: false)
        guard table.samples.count == matrix.rows else {
            throw ValidationError("\(labels): \(table.samples.count) label rows for \(matrix.rows) feature rows")
        }
        table.issues.forEach { warn($0.description) }
        if concepts.isEmpty && !exclusive {
            ConceptTrainer.untrainableConcepts(trainer.labelled(table.samples)).forEach { warn("\(labels): \($0)") }
        }
        return try trainer.train(features: consume matrix, samples: table.samples, columns: table.columns,
                                 featuresFile: features, labelsFile: labels)
    }
}

struct TrainSummary: Encodable {
    var model: String
    var concepts: [Concept]
    var samples: Int
    var skipped: Int
    var revision: String?
    var backbone: String?
    var converged: Bool
    var examples: ExampleRecord?
    /// The taxonomy the model was trained with, if any, and how its hierarchy was used.
    var taxonomy: String?
    var taxonomySHA256: String?
    var hierarchy: String?

    struct Concept: Encodable {
        var concept: String
        var positives: Int
        var negatives: Int
        var c: Double
        var threshold: Double?
        var crossValidatedAveragePrecision: Double?
        var crossValidatedF1: Double?
    }

    init(model: HeadModel, path: String, skipped: Int) {
        self.model = path
        samples = model.training.samples
        self.skipped = skipped
        revision = model.provenance.trainingRevision
        backbone = model.provenance.backbone
        converged = model.training.converged
        examples = model.training.examples
        taxonomy = model.provenance.notes["taxonomy"]
        taxonomySHA256 = model.provenance.notes["taxonomy_sha256"]
        hierarchy = model.provenance.notes["hierarchy"]
        concepts = model.concepts.enumerated().map { i, name in
            let v = model.crossValidation?.concepts.first { $0.concept == name }
            return Concept(concept: name, positives: model.training.positives[i], negatives: model.training.negatives[i],
                           c: model.regularization[min(i, model.regularization.count - 1)],
                           threshold: model.mode == .multiLabel ? model.thresholds[i] : nil,
                           crossValidatedAveragePrecision: v?.averagePrecision, crossValidatedF1: v?.f1)
        }
    }
}

extension Train {
    /// Reads the taxonomy (--taxonomy, else taxonomy.yaml beside DATA) into the
    /// trainer before anything is embedded or written, and says what
    /// --hierarchy propagate changed.
    func useTaxonomy(in trainer: inout ConceptTrainer) throws {
        trainer.taxonomy = try taxonomyOption.load(data: data)
        trainer.hierarchy = hierarchy
        guard hierarchy == .propagate else { return }
        guard !exclusive else {
            throw ValidationError("--hierarchy propagate makes an image positive for a concept and its ancestors; --exclusive allows one concept per image")
        }
        guard let taxonomy = trainer.taxonomy else {
            throw ValidationError("--hierarchy propagate needs a taxonomy: put \(Taxonomy.fileName) beside the data or pass --taxonomy FILE")
        }
        let samples = try labels.map { try Dataset.open($0, checkImages: false).samples } ?? Dataset.open(data!, checkImages: false).trainingSamples
        let changes = taxonomy.propagated(samples).changes
        warn("\(taxonomy.file): --hierarchy propagate added \(changes.positivesAdded) ancestor positive\(changes.positivesAdded == 1 ? "" : "s") and "
             + "\(changes.negativesAdded) descendant negative\(changes.negativesAdded == 1 ? "" : "s")"
             + (changes.negativesOverruled > 0 ? "; \(changes.negativesOverruled) negative\(changes.negativesOverruled == 1 ? "" : "s") of an ancestor overruled by a positive descendant" : ""))
    }
}
