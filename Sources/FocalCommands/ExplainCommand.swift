import ArgumentParser
import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalExplain
import FocalFiles
import FocalImages
import FocalReport
import FocalTraining
import Foundation

/// `focal explain`: which parts of a photo drive a concept's score, and what they are.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain a concept model's score on an image by occlusion, and name the regions that drive it.",
        discussion: """
            Slides a window over the image (or hides superpixels with --segments), re-scores every \
            occluded copy, and maps how much the concept's log-odds drop. The approximate mode (default) \
            computes a coarse grid and refines where the score moves; --exact computes every window \
            incrementally (the same numbers as --naive, for fewer multiply-adds). Regions are named from \
            the dataset's region labels (--data, or a manifest.csv above the image), the model's concepts \
            and the backbone's ImageNet labels. With --out DIR writes DIR/<image>.<concept>.png and .json.
            """)

    @Option(help: "The model file (from focal train).")
    var model: String

    @Argument(help: "The image to explain.")
    var image: String

    @Option(help: "The concept to explain (default: each concept that fires).")
    var concept: String?

    @Option(help: "Occluding window side, in pixels of the 224×224 input.")
    var window = 32

    @Option(help: "Step between windows.")
    var stride = 16

    @Option(help: "What hidden pixels become: gray, mean or blur.")
    var baseline: String = "gray"

    @Option(help: "Hide about this many superpixels (SLIC) instead of square windows.")
    var segments: Int?

    @Flag(help: "Compute every window exactly (incremental inference).")
    var exact = false

    @Flag(help: "Compute every window by full forward passes (the slow reference).")
    var naive = false

    @Option(help: "A manifest whose region labels name the evidence (default: manifest.csv in a folder above the image).")
    var data: String?

    @Option(help: "Write the heatmap picture and the JSON document into this folder.")
    var out: String?

    @Flag(help: "Print the JSON document(s) on stdout.")
    var json = false

    @OptionGroup var reportOption: ReportOption

    @OptionGroup var backboneOptions: BackboneOptions

    func validate() throws {
        guard Baseline(rawValue: baseline) != nil else { throw ValidationError("--baseline must be gray, mean or blur") }
        guard window >= 1 && window <= Preprocessing.cropSize else {
            throw ValidationError("--window \(window) does not fit the \(Preprocessing.cropSize)x\(Preprocessing.cropSize) input")
        }
        guard stride >= 1 else { throw ValidationError("--stride must be at least 1") }
        guard !(exact && naive) else { throw ValidationError("--exact and --naive exclude each other") }
        if let segments, segments < 2 || segments > 2000 { throw ValidationError("--segments must be 2...2000") }
    }

    func run() throws {
        let backbone = try backboneOptions.loadBackbone()
        let head = try HeadModel.load(model, backbone: backbone)
        var options = Explainer.Options()
        options.window = window
        options.stride = stride
        options.baseline = Baseline(rawValue: baseline)!
        options.mode = naive ? .naive : exact ? .exact : .approximate
        options.segments = segments
        let explainer = Explainer(backbone: backbone, model: head, preprocessing: backboneOptions.preprocessing, options: options)

        let annotations = try findAnnotations()
        var concepts: [String]
        if let concept {
            guard head.concepts.contains(concept) else {
                throw ValidationError("the model has no concept '\(concept)' (it has \(head.concepts.joined(separator: ", ")))")
            }
            concepts = [concept]
        } else {
            let embedding = backbone.network.embed([Preprocessing.normalize(try backboneOptions.preprocessing.networkImage(path: image))])[0]
            let p = head.probabilities(embedding: embedding)
            concepts = head.concepts.indices.filter { head.mode == .multiLabel ? p[$0] >= head.thresholds[$0] : $0 == p.indices.max { p[$0] < p[$1] } }
                .map { head.concepts[$0] }
            if concepts.isEmpty {
                let best = p.indices.max { p[$0] < p[$1] }!
                warn("no concept fires on \(image) (highest: \(head.concepts[best]) \(number(p[best], digits: 2))); name one with --concept")
                return
            }
        }
        // Compute everything first, then write: nothing is left half-written.
        let explanations = try concepts.map { try explainer.explain(path: image, concept: $0, annotations: annotations) }
        if let out {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let original = try ImageDecoder().decode(path: image)
            let stem = ((image as NSString).lastPathComponent as NSString).deletingPathExtension
            for e in explanations {
                let base = "\(out)/\(stem).\(e.concept)"
                try AtomicFile.write(ImageEncoder.png(ExplanationPicture.render(e, image: original)), to: base + ".png")
                try AtomicFile.write(try jsonText(e) + "\n", to: base + ".json")
            }
        }
        for e in explanations {
            if json { print(try jsonText(e)) } else { print(e.summary) }
        }
        if let out, !json { print("wrote \(explanations.count * 2) files to \(out)") }
        try reportOption.write(json: json) { ExplanationPage.page(explanations, folder: $0) }
    }

    /// Region labels for the image from `--data`, or from a manifest.csv up to three folders above it.
    func findAnnotations() throws -> [Region] {
        var candidates: [String] = []
        if let data { candidates = [data] } else {
            var folder = (image as NSString).deletingLastPathComponent
            for _ in 0..<3 {
                candidates.append((folder.isEmpty ? "." : folder) + "/manifest.csv")
                folder = (folder as NSString).deletingLastPathComponent
            }
        }
        let target = URL(fileURLWithPath: image).standardized.path
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            let dataset = try Dataset.open(path, checkImages: false)
            if let sample = dataset.samples.first(where: { URL(fileURLWithPath: $0.path).standardized.path == target }) {
                return sample.regions
            }
        }
        return []
    }
}
