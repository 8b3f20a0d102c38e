import ArgumentParser
import FocalConcepts
import FocalDatasets
import FocalReport
import FocalTraining
import Foundation

/// `focal evaluate`: how good a model is on a labelled test set.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Precision, recall, F1, AP, ROC AUC (with bootstrap 95% intervals), calibration and the worst mistakes.",
        discussion: "TEST is a dataset; its test split is used, or every row when it has no test split.")

    @OptionGroup var model: ModelOption

    @Argument(help: "The test dataset.")
    var test: String

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Bootstrap resamples for the intervals.")
    var bootstrap = 1000

    @OptionGroup var reportOption: ReportOption

    @OptionGroup var taxonomyOption: TaxonomyOption

    @OptionGroup var backboneOptions: BackboneOptions

    func run() throws {
        let taxonomy = try taxonomyOption.load(data: test)
        let featurizer = try backboneOptions.featurizer()
        let head = try model.load(backbone: featurizer.backbone)
        let dataset = try openDataset(test)
        let data = try testFeatures(dataset, concepts: head.concepts, featurizer: featurizer)
        var report = Evaluator(replicates: bootstrap).evaluate(head, on: data, modelPath: model.path, datasetPath: test)
        for i in report.concepts.indices { report.concepts[i].description = conceptDescription(report.concepts[i].concept, in: taxonomy) }
        if json {
            print(try jsonText(report))
        } else {
            printReport(report)
        }
        try reportOption.write(json: json) { EvaluationPage.page(report, folder: $0) }
    }

    func printReport(_ r: EvaluationReport) {
        print("\(r.model) on \(r.dataset): \(r.samples) test images" + (r.skipped.isEmpty ? "" : ", \(r.skipped.count) unreadable"))
        print("exact-match accuracy \(interval(r.exactMatchAccuracy))")
        for c in r.concepts {
            print("\(c.concept) (\(c.positives) positives, \(c.negatives) negatives, threshold \(number(c.threshold)))")
            if let d = c.description { print("  described as: \(d)") }
            print("  precision \(interval(c.precision))  recall \(interval(c.recall))  F1 \(interval(c.f1))")
            print("  false-positive rate \(interval(c.falsePositiveRate))  AP \(interval(c.averagePrecision))  ROC AUC \(interval(c.rocAUC))")
            print("  accuracy \(number(c.accuracy))  calibration error \(number(c.calibrationError))")
            for e in c.worstFalsePositives.prefix(3) { print("  false positive \(number(e.score, digits: 2))  \(e.image)") }
            for e in c.worstFalseNegatives.prefix(3) { print("  false negative \(number(e.score, digits: 2))  \(e.image)") }
        }
        if let m = r.confusionMatrix { print("confusion matrix [actual][predicted]: \(m)") }
    }
}

/// "0.812 [0.771, 0.850]".
func interval(_ i: FocalTraining.Interval) -> String {
    Format.interval(i)
}

/// The samples a dataset evaluates a model on (`Dataset.evaluationSamples`), embedded.
func testFeatures(_ dataset: Dataset, concepts: [String], featurizer: Featurizer) throws -> LabelledFeatures {
    let samples = dataset.evaluationSamples
    let progress = Progress("embedding test images", total: samples.count)
    defer { progress.finish() }
    let data = try LabelledFeatures(samples: samples, concepts: concepts, featurizer: featurizer) { done, _ in progress.set(done) }
    data.skipped.forEach { warn($0.error.description) }
    return data
}
