import ArgumentParser
import FocalAdvice
import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalExplain
import FocalFiles
import FocalImages
import FocalReport
import FocalTraining
import Foundation

/// `focal demo`: the whole story on the shipped wedding scenes, in one command.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train, evaluate, explain, advise and verify on the shipped wedding scenes; write one report.",
        discussion: """
            Trains 'bouquet' on revision 1 of datasets/wedding, evaluates it on the decoupled test split, \
            explains its worst false positive, asks the advisor what taught it, writes the advice as revision 2 \
            and compares the two revisions. Everything lands in --out, with a report page that tells the story.
            """)

    @Option(help: "Where the demo writes its files.")
    var out = "focal-demo"

    @Option(help: "The dataset (default: the shipped datasets/wedding).")
    var data: String?

    @Option(help: "The concept to teach.")
    var concept = "bouquet"

    @OptionGroup var backboneOptions: BackboneOptions

    func run() throws {
        let started = Date()
        let path = try data ?? Self.shippedWedding()
        let featurizer = try backboneOptions.featurizer()
        let dataset = try openDataset(path)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var steps = StepClock()

        // 1. Embed and train revision 1.
        let embedding = Progress("embedding", total: dataset.samples.count)
        _ = try featurizer.embed(paths: dataset.samples.map(\.path)) { done, _ in embedding.set(done) }
        embedding.finish()
        steps.lap("embed")
        let trainer = ConceptTrainer(seed: 0, concepts: [concept])
        let first = try trainer.train(dataset, featurizer: featurizer)
        try first.model.write(to: out + "/revision-1.focal")
        steps.lap("train")

        // 2. Evaluate on the test split; its false positives, worst first.
        let test = try testFeatures(dataset, concepts: [concept], featurizer: featurizer)
        let evaluation = Evaluator().evaluate(first.model, on: test, modelPath: out + "/revision-1.focal", datasetPath: path)
        let falsePositives = Evaluator.falsePositives(first.model, test, concept: 0).map { test.samples[$0] }
        guard !falsePositives.isEmpty else { throw ValidationError("'\(concept)' makes no false positive on the test split") }
        steps.lap("evaluate")

        // 3. Explain the worst, advise, write revision 2 and verify it.
        let pool = dataset.samples(in: .pool)
        var advisor = try Advisor(featurizer: featurizer, model: first.model, concept: concept)
        let stage = StagedProgress()
        advisor.progress = { stage.update($0, done: $1, total: $2) }
        var advice = try advisor.advise(training: dataset, falsePositives: falsePositives, pool: pool.isEmpty ? nil : pool,
                                        modelPath: out + "/revision-1.focal")
        stage.finish()
        steps.lap("explain and advise")
        guard !advice.proposal.isEmpty else { throw ValidationError("the advisor proposed no change") }
        let revisionPath = out + "/revision-2.csv"
        try advice.proposal.revision(of: dataset, pool: pool).write(to: revisionPath)
        advice.revision = revisionPath
        let verifying = Progress("verifying", total: 7)
        let verification = try Verification.run(
            old: dataset, revision: try Dataset.open(revisionPath), proposal: advice.proposal, pool: pool, test: dataset,
            testPath: path, drivers: advice.drivers, featurizer: featurizer, trainedOld: first) { _ in verifying.advance() }
        verifying.finish()
        advice.verification = verification
        steps.lap("verify")

        // 4. Files: the explanation picture, the advice, the evaluation.
        // The explained photo is decoded once, for explanation.png and the report's picture.
        let explained = try advice.explanation.map { try ImageDecoder().decode(path: $0.image) }
        if let explanation = advice.explanation, let explained {
            try AtomicFile.write(ImageEncoder.png(ExplanationPicture.render(explanation, image: explained)), to: out + "/explanation.png")
        }
        try AtomicFile.write(try jsonText(advice) + "\n", to: out + "/advice.json")
        try AtomicFile.write(try jsonText(evaluation) + "\n", to: out + "/evaluation.json")
        let summary = DemoSummary(concept: concept, evaluation: evaluation, advice: advice, verification: verification,
                                  falsePositives: falsePositives.count, out: out, seconds: Date().timeIntervalSince(started))
        let report = try Self.writeReport(summary, folder: out, explained: explained)
        steps.lap("write")

        print(summary.text)
        print("report: \(report)")
        if ProcessInfo.processInfo.environment["FOCAL_DEMO_TIMES"] != nil { warn(steps.description) }
    }

    /// One page, in the order of the story: the numbers, revision 1's
    /// evaluation, the explained false positive, the advice, the proof.
    static func writeReport(_ summary: DemoSummary, folder path: String, explained: RGBImage? = nil) throws -> String {
        let folder = try ReportFolder(path: path)
        let advice = AdvicePage.sections(summary.advice, folder: folder, explained: explained)
        let story = Section(id: "story", title: "The story in numbers",
                            .list(summary.lines.map { HTML($0) }),
                            .paragraph("Label what a photo is of, not what is in it.", class: "muted"))
        let sections = [story]
            + EvaluationPage.sections(summary.evaluation, folder: folder)
            + advice.filter { $0.id.hasPrefix("explanation-") }
            + advice.filter { !$0.id.hasPrefix("explanation-") }
        return try folder.write(ReportPage(title: "Focal demo: teaching '\(summary.concept)', and why it was wrong",
                                           subtitle: "trained on \(summary.advice.data); every figure measured in this run",
                                           sections: sections))
    }

    /// datasets/wedding in the current folder, else beside the models folder.
    static func shippedWedding() throws -> String {
        if FileManager.default.fileExists(atPath: "datasets/wedding/manifest.csv") { return "datasets/wedding" }
        if let models = Backbone.locateModels() {
            let candidate = FilePaths.resolve("datasets/wedding", in: FilePaths.parent(of: models))
            if FileManager.default.fileExists(atPath: candidate + "/manifest.csv") { return candidate }
        }
        throw ValidationError("datasets/wedding not found; run from the repository or pass --data")
    }
}

/// Seconds per step, for FOCAL_DEMO_TIMES=1.
struct StepClock: CustomStringConvertible {
    var last = Date()
    var laps: [(String, Double)] = []
    mutating func lap(_ name: String) {
        let now = Date()
        laps.append((name, now.timeIntervalSince(last)))
        last = now
    }
    var description: String { laps.map { "\($0.0) \(String(format: "%.1f", $0.1)) s" }.joined(separator: ", ") }
}

/// The demo's closing lines: the story in numbers measured in this run.
struct DemoSummary {
    let concept: String
    let evaluation: EvaluationReport
    let advice: Advice
    let verification: Verification
    let falsePositives: Int
    let out: String
    let seconds: Double

    var text: String { (lines + ["Files in \(out) (\(String(format: "%.0f", seconds)) s)."]).joined(separator: "\n") }

    var lines: [String] {
        let v = verification
        let scenes = v.drivers.joined(separator: "+")
        var lines: [String] = []
        lines.append("Revision 1: '\(concept)' trained on \(v.comparison.a.trainingSamples) images fires on \(falsePositives) of \(evaluation.concepts.first?.negatives ?? 0) test images without a \(concept).")
        if let e = advice.explanation {
            let names = e.regions.flatMap { $0.names.filter { $0.source != "imagenet" && $0.name != concept }.map(\.name) }
            var unique: [String] = []
            for n in names where !unique.contains(n) { unique.append(n) }
            lines.append("Its worst false positive, \(e.image), is explained by \(unique.isEmpty ? "context" : unique.joined(separator: ", ")); \(e.focal ? "a \(concept) is among the evidence" : "no \(concept) is among the evidence").")
        }
        lines.append("Advice: " + advice.summary)
        lines.append("Revision 2 (\(advice.revision ?? "")): \(v.comparison.b.trainingSamples) training images.")
        lines.append("False-positive rate on the \(v.contextImages) test scenes with \(scenes) and no \(concept): \(fixed(v.before.contextFalsePositiveRate)) → \(fixed(v.after.contextFalsePositiveRate)) (\(Format.percent(v.relativeDrop)) lower; removing random positives instead: \(fixed(v.random.mean.contextFalsePositiveRate))).")
        let fpr = v.comparison.concepts.first?.metrics.first { $0.name == "false_positive_rate" }
        if let fpr { lines.append("False-positive rate on the whole test split: \(fixed(fpr.a)) → \(fixed(fpr.b)).") }
        lines.append("Accuracy: revision 1 \(fixed(v.before.accuracy)), revision 2 \(fixed(v.after.accuracy)); F1 \(fixed(v.before.f1)) → \(fixed(v.after.f1)).")
        return lines
    }

    func fixed(_ x: Double) -> String { x.isNaN ? "n/a" : String(format: "%.3f", x) }
}
