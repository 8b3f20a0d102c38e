import ArgumentParser
import FocalBackbone
import FocalConcepts
import FocalFiles
import FocalTraining
import Foundation

/// `focal predict`: which concepts a model sees in each image.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Concepts above their threshold in each image, with scores.")

    @OptionGroup var model: ModelOption

    @Argument(help: "Images or folders.")
    var images: [String]

    @Flag(help: "Print JSON Lines: {\"image\", \"positives\": [names], \"scores\": [{\"concept\", \"score\", \"threshold\", \"positive\"}]}.")
    var json = false

    @OptionGroup var backboneOptions: BackboneOptions

    func run() throws {
        let featurizer = try backboneOptions.featurizer()
        let head = try model.load(backbone: featurizer.backbone)
        let (files, missing) = ImageFiles.collect(images)
        missing.forEach { warn($0.description) }
        let progress = Progress("embedding", total: files.count, enabled: !json && files.count > 64 && isatty(STDERR_FILENO) == 1)
        let result = try featurizer.embed(paths: files) { done, _ in progress.set(done) }
        progress.finish()
        var failed = missing.count
        for (path, outcome) in zip(files, result.embeddings) {
            switch outcome {
            case .failure(let error):
                failed += 1
                warn(error.description)
            case .success(let embedding):
                let p = head.probabilities(embedding: embedding)
                let positive = head.concepts.indices.map { i in
                    head.mode == .multiLabel ? p[i] >= head.thresholds[i] : i == p.indices.max { p[$0] < p[$1] }
                }
                if json {
                    let scores = head.concepts.indices.map { i -> [String: Any] in
                        ["concept": head.concepts[i], "score": p[i], "positive": positive[i],
                         "threshold": head.mode == .multiLabel ? head.thresholds[i] : NSNull()]
                    }
                    print(try jsonLine(["image": path, "positives": head.concepts.indices.filter { positive[$0] }.map { head.concepts[$0] },
                                        "scores": scores] as [String: Any]))
                } else {
                    let found = head.concepts.indices.filter { positive[$0] }.sorted { p[$0] > p[$1] }
                    print(path + ": " + (found.isEmpty ? "none" : found.map { "\(head.concepts[$0]) \(number(p[$0], digits: 2))" }.joined(separator: ", ")))
                }
            }
        }
        if failed > 0 && failed == files.count + missing.count { throw ExitCode(1) }
    }
}
