import ArgumentParser
import FocalAttribution
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
        abstract: "Explain a concept model's score on an image: where it comes from, what is there, checked by hiding it.",
        discussion: """
            --method map (default) splits the concept's log-odds exactly over the network's last feature \
            map, at several input sizes (--scales), and combines them; --method occlusion slides a window \
            over the image and maps how much the log-odds drop (approximate by default; --exact computes \
            every window incrementally, --naive by full passes); --method segments hides superpixels. \
            Every region is checked by an intervention: the drop when it is hidden and the score with only \
            it shown. Regions are named from the dataset's region labels (--data, or a manifest.csv above \
            the image), the model's concepts and the backbone's ImageNet labels. With --out DIR writes \
            DIR/<image>.<concept>.png and .json. Several images (or folders) are explained in turn; an \
            unreadable one is reported and skipped.
            """)

    @OptionGroup var model: ModelOption

    @Argument(help: "The images (or folders of images) to explain.")
    var images: [String]

    @Option(help: "How the heatmap is made.")
    var method = Explainer.Method.map

    @OptionGroup var mapOptions: MapOptions

    @Option(help: "The concept to explain (default: each concept that fires).")
    var concept: String?

    @OptionGroup(title: "occlusion (--method occlusion or segments)") var occlusion: OcclusionOptions

    @Option(help: "A manifest whose region labels name the evidence (default: manifest.csv in a folder above the image).")
    var data: String?

    @Option(help: "Write the heatmap picture and the JSON document into this folder.")
    var out: String?

    @Flag(help: "Print the JSON document(s) on stdout.")
    var json = false

    @OptionGroup var reportOption: ReportOption

    @OptionGroup var backboneOptions: BackboneOptions

    func run() throws {
        let backbone = try backboneOptions.loadBackbone()
        let head = try model.load(backbone: backbone)
        var options = try mapOptions.explainerOptions()
        options.method = occlusion.method(method)
        occlusion.apply(to: &options)
        let explainer = Explainer(backbone: backbone, model: head, preprocessing: backboneOptions.preprocessing, options: options)
        if let concept { _ = try head.conceptIndex(option: concept) }

        let (paths, missing) = ImageFiles.collect(images)
        // One image asked for: its fault is the one line the run prints.
        if images.count == 1, let fault = missing.first { throw fault }
        missing.forEach { warn($0.description) }
        let single = paths.count == 1 && missing.isEmpty && images.count == 1
        var explanations: [Explanation] = []
        var pictures = ReportPictures(wanted: reportOption.folder != nil)
        var failed = missing.count
        let outputs = FileNames()
        for path in paths {
            do {
                let explained = try explain(path, explainer: explainer, head: head, outputs: outputs, pictures: pictures.wantsMore)
                explanations += explained.map(\.explanation)
                explained.forEach { pictures.keep($0.picture) }
            } catch let error as ImageError where !single {
                // One bad file in a folder: reported, the rest explained.
                warn("\(error)")
                failed += 1
            }
        }
        if paths.isEmpty || (failed > 0 && explanations.isEmpty && failed == paths.count + missing.count) {
            warn(paths.isEmpty ? "no images to explain in \(images.joined(separator: " "))"
                 : "none of the \(paths.count + missing.count) images could be explained")
            throw ExitCode(1)
        }
        for e in explanations {
            if json { print(try jsonText(e)) } else { print(e.summary) }
        }
        if let out, !json { print("wrote \(explanations.count * 2) files to \(out)") }
        try reportOption.write(json: json) { ExplanationPage.page(explanations, folder: $0, pictures: pictures.kept) }
    }

    /// One image: its concepts (the one asked, or each that fires) explained, then written;
    /// each with its picture when `--out` or `pictures` asks for one.
    func explain(_ path: String, explainer: Explainer, head: HeadModel, outputs: FileNames,
                 pictures: Bool) throws -> [(explanation: Explanation, picture: RGBImage?)] {
        let image = try Explainer.Image(path: path, preprocessing: explainer.preprocessing)
        let annotations = try findAnnotations(path)
        var concepts: [String]
        if let concept {
            concepts = [concept]
        } else {
            let fired = explainer.firing(image)
            concepts = fired.concepts
            let p = fired.probabilities
            if concepts.isEmpty {
                let best = p.indices.max { p[$0] < p[$1] }!
                warn("no concept fires on \(path) (highest: \(head.concepts[best]) \(number(p[best], digits: 2))); name one with --concept")
                return []
            }
        }
        // Compute everything first, then write: nothing is left half-written.
        let explained = try explainer.explain(image, concepts: concepts, annotations: annotations, pictures: out != nil || pictures)
        if let out {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let stem = FileName.safe(((path as NSString).lastPathComponent as NSString).deletingPathExtension)
            for (e, picture) in explained {
                let base = FilePaths.resolve(outputs.claim("\(stem).\(FileName.safe(e.concept))"), in: out)
                try AtomicFile.write(ImageEncoder.png(picture!), to: base + ".png")
                try AtomicFile.write(try jsonText(e) + "\n", to: base + ".json")
            }
        }
        return explained
    }

    /// Region labels for an image from `--data`, or from a manifest.csv up to three folders above it.
    func findAnnotations(_ image: String) throws -> [Region] {
        var candidates: [String] = []
        if let data { candidates = [data] } else {
            var folder = FilePaths.parent(of: canonicalPath(image))
            for _ in 0..<3 {
                candidates.append(FilePaths.resolve("manifest.csv", in: folder))
                if folder == "/" { break }
                folder = FilePaths.parent(of: folder)
            }
        }
        let target = canonicalPath(image)
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            let dataset = try Dataset.open(path, checkImages: false)
            if let sample = dataset.samples.first(where: { canonicalPath($0.path) == target }) {
                return sample.regions
            }
        }
        return []
    }
}
