import ArgumentParser
import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalExplain
import FocalFiles
import FocalImages
import FocalTraining
import Foundation

/// `focal regions`: a concept model as a detector, writing a manifest of boxes to correct and train on.
struct Regions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Box each concept that fires on each image, and write the boxes as a manifest to correct and train on.",
        discussion: """
            For each image, every concept above its threshold (only --concept's, when given) gets one box: \\
            the strongest connected region of its map (the concept's log-odds split over the network's \\
            last feature map at several input sizes). The manifest's positives are the concepts that fire, \\
            its negatives the model's other concepts, its regions the boxes (concept@x,y,w,h, original \\
            pixels). An unreadable image is reported and skipped.
            """)

    @OptionGroup var model: ModelOption

    @Argument(help: "Images or folders.")
    var images: [String]

    @Option(help: "Box only this concept (repeatable).")
    var concept: [String] = []

    @Option(help: "The manifest to write (CSV: image,positives,negatives,split,regions).")
    var out: String?

    @OptionGroup var mapOptions: MapOptions

    @Flag(help: "Print JSON Lines: {\"image\", \"width\", \"height\", \"boxes\": [{\"concept\", \"score\", \"box\", \"map_share\"}], \"positives\", \"negatives\"}.")
    var json = false

    @OptionGroup var backboneOptions: BackboneOptions

    func validate() throws {
        guard out != nil || json else { throw ValidationError("say where the boxes go: --out MANIFEST.csv, --json, or both") }
        if let out, !out.lowercased().hasSuffix(".csv") { throw ValidationError("--out must name a .csv manifest") }
    }

    func run() throws {
        let backbone = try backboneOptions.loadBackbone()
        let head = try model.load(backbone: backbone)
        for name in concept { _ = try head.conceptIndex(option: name) }
        let explainer = Explainer(backbone: backbone, model: head, preprocessing: backboneOptions.preprocessing,
                                  options: try mapOptions.explainerOptions())

        let (paths, missing) = ImageFiles.collect(images)
        // One image asked for: its fault is the one line the run prints.
        if images.count == 1, let fault = missing.first { throw fault }
        let single = paths.count == 1 && missing.isEmpty && images.count == 1
        missing.forEach { warn($0.description) }
        let progress = Progress("boxing", total: paths.count, enabled: !json && paths.count > 16 && isatty(STDERR_FILENO) == 1)
        var rows: [Sample] = []
        var failed = missing.count
        for (i, path) in paths.enumerated() {
            do {
                let detections = try explainer.detect(Explainer.Image(path: path, preprocessing: backboneOptions.preprocessing),
                                                      only: concept.isEmpty ? nil : concept)
                if json { print(try jsonText(detections, pretty: false)) }
                rows.append(detections.sample)
            } catch let error as ImageError where !single {
                warn("\(error)")
                failed += 1
            }
            progress.set(i + 1)
        }
        progress.finish()
        guard !rows.isEmpty else {
            warn(paths.isEmpty && missing.isEmpty ? "no images in \(images.joined(separator: " "))"
                 : "none of the \(paths.count + missing.count) images could be boxed")
            throw ExitCode(1)
        }
        if let out {
            try Dataset(source: out, samples: rows).write(to: out)
            if !json {
                let boxes = rows.map(\.regions.count).reduce(0, +)
                print("wrote \(rows.count) rows with \(boxes) boxes to \(out)" + (failed > 0 ? " (\(failed) images skipped)" : ""))
            }
        }
    }
}
