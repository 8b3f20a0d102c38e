import ArgumentParser
import FocalBackbone
import FocalFiles
import Foundation

/// `focal classify`: the backbone's own ImageNet labels for each image.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Top ImageNet labels of images, with probabilities.",
        discussion: "Folders are searched recursively for .jpg, .jpeg and .png files.")

    @Argument(help: "Images or folders.")
    var images: [String]

    @Option(help: "How many labels per image.")
    var top = 5

    @Flag(help: "Print JSON Lines: {\"image\": PATH, \"top\": [{\"index\", \"label\", \"probability\"}]} per image.")
    var json = false

    @OptionGroup var backboneOptions: BackboneOptions

    func validate() throws {
        guard top >= 1 && top <= 1000 else { throw ValidationError("--top must be between 1 and 1000") }
    }

    func run() throws {
        let (files, missing) = ImageFiles.collect(images)
        missing.forEach { warn($0.description) }
        let backbone = try backboneOptions.loadBackbone()
        let embedder = Embedder(backbone: backbone, preprocessing: backboneOptions.preprocessing,
                                batchSize: backboneOptions.batch)
        var failed = missing.count
        let progress = Progress("classifying", total: files.count, enabled: !json && files.count > 64 && isatty(STDERR_FILENO) == 1)
        try embedder.embed(paths: files) { item in
            progress.advance()
            switch item.result {
            case .failure(let error):
                failed += 1
                warn(error.description)
            case .success(let embedding):
                let top = backbone.topClasses(embedding: embedding, k: self.top)
                if json {
                    let object: [String: Any] = [
                        "image": item.path,
                        "top": top.map { ["index": $0.index, "label": $0.label, "probability": $0.probability] as [String: Any] },
                    ]
                    print(try jsonLine(object))
                } else {
                    print(item.path)
                    for p in top { print(String(format: "  %6.2f%%  %@ (%d)", p.probability * 100, p.label, p.index)) }
                }
            }
        }
        progress.finish()
        if failed > 0 && failed == files.count + missing.count {
            throw ExitCode(1)
        }
    }
}

/// One JSON object on one line, keys in a stable order.
func jsonLine(_ object: Any) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}
