import ArgumentParser
import FocalConcepts
import FocalDatasets
import FocalReport
import FocalTraining
import Foundation

/// `focal compare`: two revisions of a training set, trained the same way, on one test set.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train two dataset revisions identically and compare them on the same test set.",
        discussion: """
            Prints each metric for A and B with the paired bootstrap 95% interval of B − A, an exact \
            McNemar test per concept, and the test images whose decision flipped (fixed by B, broken by B).
            """)

    @Argument(help: "Revision A (a manifest or dataset folder).")
    var trainA: String

    @Argument(help: "Revision B.")
    var trainB: String

    @Option(help: "The test dataset (its test split, else all of it).")
    var test: String

    @Option(help: "Inverse regularisation strength for both (default: cross-validated for each).")
    var c: Double?

    @Option(help: "Seed for both trainings and the bootstrap.")
    var seed: UInt64 = 0

    @Option(name: .customLong("concept"), help: "Compare only this concept (repeatable).")
    var concepts: [String] = []

    @Option(help: "What A learns from: images, regions or both (see focal train --examples).")
    var examplesA: ExampleKind = .images

    @Option(help: "What B learns from: images, regions or both.")
    var examplesB: ExampleKind = .images

    @Flag(help: "A also learns backgrounds outside a positive concept's boxes as negatives.")
    var backgroundNegativesA = false

    @Flag(help: "B also learns backgrounds outside a positive concept's boxes as negatives.")
    var backgroundNegativesB = false

    @OptionGroup var margin: RegionMarginOption

    @Flag(help: "Print the comparison as JSON.")
    var json = false

    @OptionGroup var reportOption: ReportOption

    @OptionGroup var taxonomyOption: TaxonomyOption

    @OptionGroup var backboneOptions: BackboneOptions

    func run() throws {
        let taxonomy = try taxonomyOption.load(data: trainA) ?? taxonomyOption.load(data: test)
        let featurizer = try backboneOptions.featurizer()
        let a = try Dataset.open(trainA), b = try Dataset.open(trainB), t = try Dataset.open(test)
        (a.issues + b.issues + t.issues).forEach { warn($0.description) }
        let shared = concepts.isEmpty
            ? Set(ConceptTrainer.trainableConcepts(a.trainingSamples)).intersection(ConceptTrainer.trainableConcepts(b.trainingSamples)).sorted()
            : concepts
        guard !shared.isEmpty else { throw ValidationError("the two revisions share no trainable concept") }
        var trainerA = ConceptTrainer(c: c, seed: seed, concepts: shared), trainerB = trainerA
        trainerA.examples = RegionExampleOptions(kind: examplesA, margin: margin.regionMargin, backgroundNegatives: backgroundNegativesA)
        trainerB.examples = RegionExampleOptions(kind: examplesB, margin: margin.regionMargin, backgroundNegatives: backgroundNegativesB)
        let outcomeA = try trainerA.train(a, featurizer: featurizer)
        let outcomeB = try trainerB.train(b, featurizer: featurizer)
        let testData = try testFeatures(t, concepts: shared, featurizer: featurizer)
        func side(_ path: String, _ o: ConceptTrainer.Outcome) -> ComparisonReport.Side {
            .init(dataset: path, revision: o.revision, trainingSamples: o.training.samples.count, c: o.model.regularization,
                  examples: o.model.training.examples)
        }
        var report = Comparer(seed: seed).compare(a: outcomeA.model, b: outcomeB.model, sideA: side(trainA, outcomeA),
                                                  sideB: side(trainB, outcomeB), test: testData, testPath: test)
        for i in report.concepts.indices { report.concepts[i].description = conceptDescription(report.concepts[i].concept, in: taxonomy) }
        if json {
            print(try jsonText(report))
            try reportOption.write(json: true) { ComparisonPage.page(report, folder: $0) }
            return
        }
        printComparison(report)
        try reportOption.write(json: false) { ComparisonPage.page(report, folder: $0) }
    }
}

/// The side-by-side table `focal compare` prints (also printed by `focal advise --verify`).
func printComparison(_ report: ComparisonReport) {
    func describe(_ side: ComparisonReport.Side) -> String {
        guard let e = side.examples else { return "\(side.trainingSamples) training images" }
        var text = "\(side.trainingSamples) training examples: \(e.images) whole images, \(e.regions) regions"
        if e.backgroundNegatives { text += ", \(e.backgrounds) backgrounds" }
        return text
    }
    print("A: \(report.a.dataset) (\(describe(report.a)), revision \(report.a.revision.prefix(12)))")
    print("B: \(report.b.dataset) (\(describe(report.b)), revision \(report.b.revision.prefix(12)))")
    print("test: \(report.test) (\(report.samples) images)")
    for c in report.concepts {
        print("\n\(c.concept)")
        if let d = c.description { print("  described as: \(d)") }
        print("  metric                      A        B     B − A [95% interval]")
        for m in c.metrics {
            print("  " + m.name.padding(toLength: 22, withPad: " ", startingAt: 0)
                  + "  \(number(m.a))    \(number(m.b))    \(number(m.difference.estimate)) [\(number(m.difference.lower)), \(number(m.difference.upper))]")
        }
        print("  McNemar: \(c.mcnemar.onlyA) right only in A, \(c.mcnemar.onlyB) right only in B, exact p = \(number(c.mcnemar.pValue, digits: 4))")
        print("  fixed by B: \(c.fixed.count)   broken by B: \(c.broken.count)")
        for path in c.fixed.prefix(5) { print("    fixed   \(path)") }
        for path in c.broken.prefix(5) { print("    broken  \(path)") }
    }
}
