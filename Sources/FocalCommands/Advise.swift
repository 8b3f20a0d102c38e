import ArgumentParser
import FocalAdvice
import FocalConcepts
import FocalDatasets
import FocalFiles
import FocalReport
import FocalTraining
import Foundation

/// `focal advise`: what in the training data taught a false positive, and the fix.
struct Advise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the training data behind a false positive, propose a narrower training set, and prove it.",
        discussion: """
            Explains the false positive (--image, or the worst one the model makes on --eval), counts which \
            elements co-occur with the concept in its positives, checks whether each positive is *of* the \
            concept (its own region carries the score) or shows it in passing, ranks training images by their \
            exact influence on the false positive's score, and searches --pool for counter-examples: photos \
            with the driving elements and without the concept. --write saves the proposal as a new manifest \
            (the old one is never touched); --verify TEST trains both revisions identically and compares them.
            """)

    @OptionGroup var model: ModelOption

    @Option(help: "The training dataset the model was trained on (a manifest or dataset folder).")
    var data: String

    @Option(help: "A false-positive image to explain.")
    var image: String?

    @Option(name: .customLong("eval"), help: "A test dataset: its false positives are the ones to explain.")
    var evaluation: String?

    @Option(help: "The concept (default: the model's only concept, or the one with most false positives).")
    var concept: String?

    @Option(help: "Photos to search for counter-examples: a folder or a manifest (its pool split, if it has one).")
    var pool: String?

    @Option(help: "Write the proposal as a new manifest here.")
    var write: String?

    @Option(help: "Compare the old and the written revision on this test set.")
    var verify: String?

    @Option(help: "Propose at most this many counter-examples.")
    var maxAdditions = 100

    @Option(help: "A positive is focal when its own region carries at least this share of the score.")
    var focalThreshold = 0.5

    @Flag(help: "Print the advice as JSON.")
    var json = false

    @OptionGroup var reportOption: ReportOption

    @OptionGroup var taxonomyOption: TaxonomyOption

    @OptionGroup var backboneOptions: BackboneOptions

    func validate() throws {
        guard (image == nil) != (evaluation == nil) else { throw ValidationError("give exactly one of --image and --eval") }
        if verify != nil && write == nil { throw ValidationError("--verify needs --write (the revision to verify)") }
        guard focalThreshold > 0 && focalThreshold < 1 else { throw ValidationError("--focal-threshold must be between 0 and 1") }
    }

    func run() throws {
        let taxonomy = try taxonomyOption.load(data: data)
        let featurizer = try backboneOptions.featurizer()
        let head = try model.load(backbone: featurizer.backbone)
        let training = try openDataset(data)
        if let write { try refuseOverwriting(training, with: write) }

        let (concept, targets) = try falsePositives(head, training: training, featurizer: featurizer)
        let verifySet = try verify.map { try Dataset.open($0) }
        // Test images (of --data or --verify) are never counter-examples.
        let testPaths = Set((verifySet.map(\.testSplitOrAll) ?? []).map { canonicalPath($0.path) })
        let poolSamples = try pool.map { try Self.poolSamples($0).filter { !testPaths.contains(canonicalPath($0.path)) } }
        var advisor = try Advisor(featurizer: featurizer, model: head, concept: concept)
        advisor.maximumAdditions = maxAdditions
        advisor.focalThreshold = focalThreshold
        let progress = StagedProgress()
        advisor.progress = { progress.update($0, done: $1, total: $2) }
        var advice = try advisor.advise(training: training, falsePositives: targets, pool: poolSamples, modelPath: model.path)
        progress.finish()
        advice.conceptDescription = conceptDescription(concept, in: taxonomy)

        if let write {
            guard !advice.proposal.isEmpty else {
                throw ValidationError("nothing to change, so no manifest was written")
            }
            var revision = advice.proposal.revision(of: training, pool: poolSamples ?? [])
            revision.source = write
            // Verify first, then write: a revision that cannot be trained leaves no file behind.
            if let verify, let test = verifySet {
                let check = Progress("verifying", total: 7)
                advice.verification = try Verification.run(
                    old: training, revision: revision, proposal: advice.proposal, pool: poolSamples ?? [], test: test,
                    testPath: verify, drivers: advice.drivers, featurizer: featurizer,
                    trainer: Self.trainer(like: head, concept: concept, taxonomy: taxonomy)) { _ in check.advance() }
                check.finish()
            }
            try revision.write(to: write)
            advice.revision = write
        }
        if json { print(try jsonText(advice)) } else { AdvicePrinter(advice: advice).print() }
        try reportOption.write(json: json) { AdvicePage.page(advice, folder: $0) }
    }

    /// A trainer that trains revisions the way `model` was trained: on the same
    /// kind of examples, and with the same hierarchy when the taxonomy is at hand.
    static func trainer(like model: HeadModel, concept: String, taxonomy: Taxonomy?) -> ConceptTrainer {
        var trainer = ConceptTrainer(seed: 0, concepts: [concept])
        trainer.examples = RegionExampleOptions(model.training.examples)
        if model.provenance.notes["hierarchy"] == HierarchyMode.propagate.rawValue, let taxonomy {
            trainer.taxonomy = taxonomy
            trainer.hierarchy = .propagate
        }
        return trainer
    }

    /// The concept and its false positives: the one image given, or every false
    /// positive on the evaluation set, worst first.
    func falsePositives(_ head: HeadModel, training: Dataset, featurizer: Featurizer) throws -> (String, [Sample]) {
        if let image {
            var known = training.samples
            if let verify { known += (try? Dataset.open(verify, checkImages: false))?.samples ?? [] }
            // The manifest row of the image (for its region labels), matched on the resolved path.
            let wanted = canonicalPath(image)
            var sample = known.first { canonicalPath($0.path) == wanted } ?? Sample(image: image, path: image)
            sample.path = image
            guard FileManager.default.fileExists(atPath: sample.path) else { throw ValidationError("\(image): no such file") }
            let name = try concept ?? onlyConcept(head, hint: "pass --concept")
            return (name, [sample])
        }
        let test = try openDataset(evaluation!)
        let data = try testFeatures(test, concepts: head.concepts, featurizer: featurizer)
        let k = head.concepts.count
        func wrong(_ c: Int) -> [Int] { Evaluator.falsePositives(head, data, concept: c) }
        let c: Int
        if let concept {
            c = try head.conceptIndex(option: concept)
        } else {
            c = (0..<k).max { wrong($0).count < wrong($1).count }!
        }
        let rows = wrong(c)
        guard !rows.isEmpty else {
            throw ValidationError("\(evaluation!): '\(head.concepts[c])' has no false positive there; nothing to advise on")
        }
        return (head.concepts[c], rows.map { data.samples[$0] })
    }

    func onlyConcept(_ head: HeadModel, hint: String) throws -> String {
        guard head.concepts.count == 1 else {
            throw ValidationError("the model has several concepts (\(head.concepts.joined(separator: ", "))); \(hint)")
        }
        return head.concepts[0]
    }

    /// The revision never replaces an input: the training manifest (or the
    /// manifest a dataset folder would be read from), the test, pool or model files.
    func refuseOverwriting(_ training: Dataset, with path: String) throws {
        let new = canonicalPath(path)
        if canonicalPath(training.source) == new || Dataset.manifestNames.map({ canonicalPath(data + "/" + $0) }).contains(new) {
            throw ValidationError("\(path): that is the training manifest itself; write the revision to a new file")
        }
        let inputs = [verify, pool, evaluation, model.path].compactMap { $0 }
        for input in inputs where canonicalPath(input) == new || Dataset.manifestNames.map({ canonicalPath(input + "/" + $0) }).contains(new) {
            throw ValidationError("\(path): that is an input of this command (\(input)); write the revision to a new file")
        }
    }

    /// A pool's candidate photos: a manifest's pool split (else its rows outside
    /// the test split), or every image in a folder without a manifest.
    static func poolSamples(_ path: String) throws -> [Sample] {
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path): no such file or folder") }
        switch try Dataset.samples(at: path) {
        case .folder(let samples, let unlisted):
            unlisted.forEach { warn($0.description) }
            return samples
        case .manifest(let dataset):
            let pool = dataset.samples(in: .pool)
            return pool.isEmpty ? dataset.samples.filter { $0.split != .test } : pool
        }
    }
}
