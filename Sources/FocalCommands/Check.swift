import ArgumentParser
import FocalConcepts
import FocalDatasets
import FocalFiles
import FocalHealth
import FocalReport
import Foundation

/// `focal check`: a dataset health check on cached embeddings, ranked findings with next steps.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a dataset's health: quantity, learning curves, scope, composition, label errors, duplicates, shift.",
        discussion: """
            DATA's train split (or every row without a split) is checked. The test set is --test's test \
            split (else all of it; the rows left out are counted on stderr), or DATA's own test split. With a \
            taxonomy (taxonomy.yaml beside DATA, or --taxonomy) the labels are also checked against it. --target is a sample of the images the model \
            will really see: a folder of images, or a manifest (its rows outside the train split). Findings \
            are ranked by severity; --json prints {"findings": [{"kind", "severity", "concept", "message", \
            "images"}], "concepts": [...], "shift": ...}.
            """)

    @Argument(help: "The dataset to check (a manifest or a dataset folder).")
    var data: String

    @Option(help: "A labelled test set (default: DATA's test split, if it has one).")
    var test: String?

    @Option(help: "Images the model will really see: a folder of images or a manifest.")
    var target: String?

    @Option(help: "Seed for the folds, clusters and bootstrap.")
    var seed: UInt64 = 0

    @Flag(help: "Print the findings as JSON.")
    var json = false

    @OptionGroup var reportOption: ReportOption

    @OptionGroup var taxonomyOption: TaxonomyOption

    @OptionGroup var backboneOptions: BackboneOptions

    func run() throws {
        let dataset = try openDataset(data)
        let samples = dataset.trainingSamples
        guard !samples.isEmpty else { throw DatasetError(file: data, "no training images to check") }
        let concepts = Array(Set(samples.flatMap { $0.positives + $0.negatives })).sorted()
        guard !concepts.isEmpty else { throw DatasetError(file: data, "no image is labelled with any concept") }
        let taxonomy = try taxonomyOption.load(data: data)

        var testSamples = dataset.samples(in: .test)
        if let test {
            let t = try openDataset(test)
            let chosen = Self.testRows(t)
            if let note = chosen.leftOut { warn("\(test): \(note)") }
            testSamples = chosen.samples
        }
        let targetSamples = try target.map(Self.targetSamples)

        let featurizer = try backboneOptions.featurizer()
        func embed(_ samples: [Sample], _ what: String) throws -> LabelledFeatures {
            let progress = Progress("embedding \(what) images", total: samples.count)
            defer { progress.finish() }
            let features = try LabelledFeatures(samples: samples, concepts: concepts, featurizer: featurizer) { done, _ in progress.set(done) }
            features.skipped.forEach { warn($0.error.description) }
            return features
        }
        let training = try embed(samples, "training")
        guard training.samples.count >= 2 else { throw DatasetError(file: data, "only \(training.samples.count) readable training images") }
        let input = HealthInput(training: training,
                                test: testSamples.isEmpty ? nil : try embed(testSamples, "test"),
                                target: try targetSamples.map { try embed($0, "target") }, taxonomy: taxonomy)

        let stage = Progress("check", total: 1)
        let report = try HealthCheck(seed: seed).run(input) { name in
            guard stage.enabled else { return }
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + name + "…").utf8))
        }
        stage.finish()
        if json {
            print(try jsonText(report))
        } else {
            CheckReportPrinter(report: report, data: data).print()
        }
        try reportOption.write(json: json) { CheckPage.page(report, data: data, folder: $0) }
    }

    /// A --test manifest's test split, or all of it when it has none, and,
    /// when rows are left out, how many of which split and why.
    static func testRows(_ t: Dataset) -> (samples: [Sample], leftOut: String?) {
        let test = t.samples(in: .test)
        guard !test.isEmpty, test.count < t.samples.count else { return (test.isEmpty ? t.samples : test, nil) }
        let bySplit = Dictionary(grouping: t.samples.filter { $0.split != .test }, by: { $0.split?.rawValue ?? "no" })
        let parts = ["train", "pool", "no"].compactMap { s in bySplit[s].map { "\($0.count) in \(s == "no" ? "no split" : "its \(s) split")" } }
        let left = t.samples.count - test.count
        return (test, "\(left) of \(t.samples.count) rows left out of the test set (\(parts.joined(separator: ", "))): "
                + "--test uses only a manifest's test split when it has one, since its train rows may be what the model learns from "
                + "(to test every row, give a manifest without a test split)")
    }

    /// A target folder's images (searched recursively), or a manifest's rows outside its train split.
    static func targetSamples(_ path: String) throws -> [Sample] {
        switch try Dataset.samples(at: path) {
        case .folder(let samples, let unlisted):
            unlisted.forEach { warn($0.description) }
            guard !samples.isEmpty else { throw DatasetError(file: path, "no images (.jpg, .jpeg, .png) in this folder") }
            return samples
        case .manifest(let dataset):
            dataset.issues.forEach { warn($0.description) }
            let outside = dataset.samples.filter { $0.split != .train }
            guard !outside.isEmpty || !dataset.samples.isEmpty else { throw DatasetError(file: path, "no images in this manifest") }
            return outside.isEmpty ? dataset.samples : outside
        }
    }
}
