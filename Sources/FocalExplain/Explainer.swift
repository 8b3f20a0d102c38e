import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalImages
import FocalTraining
import Foundation

/// Explains a concept model's score on an image by occlusion, finds the
/// regions that carry it, and names them from the dataset's region labels,
/// the model's other concepts and the backbone's ImageNet classes.
public struct Explainer {
    public struct Options: Sendable {
        public var window = 32
        public var stride = 16
        public var baseline = Baseline.gray
        public var mode = Occlusion.Mode.approximate
        /// Occlude about this many superpixels instead of square windows.
        public var segments: Int?
        public var regions = 3
        public init() {}
    }

    public let backbone: Backbone
    public let model: HeadModel
    public let preprocessing: Preprocessing
    public var options: Options
    /// More concepts to name regions with (source "concept"), e.g. a head
    /// trained on the dataset's other labels when the model knows only one.
    public var namer: HeadModel?

    public init(backbone: Backbone, model: HeadModel, preprocessing: Preprocessing = Preprocessing(), options: Options = Options(),
                namer: HeadModel? = nil) {
        self.backbone = backbone
        self.model = model
        self.preprocessing = preprocessing
        self.options = options
        self.namer = namer
    }

    /// Log-odds of concept `c` for an embedding: the score occlusion measures
    /// (probabilities saturate near 1 and hide the evidence).
    func logit(_ embedding: [Float], concept c: Int) -> Double {
        model.decisionFunction(FeatureMatrix(rows: 1, columns: embedding.count, values: embedding))[c]
    }

    /// Probabilities of every concept for a batch of normalised inputs.
    func probabilities(_ inputs: [[Float]]) -> [[Double]] {
        let embeddings = backbone.network.embed(inputs)
        let k = model.concepts.count
        let p = model.predictProbabilities(FeatureMatrix(embeddings))
        return (0..<inputs.count).map { Array(p[($0 * k)..<(($0 + 1) * k)]) }
    }

    public func explain(path: String, concept name: String, annotations: [Region] = []) throws -> Explanation {
        guard let c = model.concepts.firstIndex(of: name) else {
            throw DatasetError(file: path, "the model has no concept '\(name)' (it has \(model.concepts.joined(separator: ", ")))")
        }
        let started = Date()
        let decoded = try preprocessing.decoder.decode(path: path)
        let size = try ImageDecoder().size(path: path)
        let geometry = CropGeometry(originalWidth: size.width, originalHeight: size.height)
        let crop = preprocessing.networkImage(decoded)
        let input = Preprocessing.normalize(crop)
        let baseline = options.baseline.input(for: crop)
        let occlusion = Occlusion(network: backbone.network)

        // 1. The heatmap.
        let heatmap: [Double], macs: Int
        if let segments = options.segments {
            (heatmap, macs) = superpixelHeatmap(crop: crop, input: input, baseline: baseline, segments: segments, concept: c)
        } else {
            let (weights, bias) = model.logitCoefficients(concept: c)
            let map = occlusion.map(image: input, baseline: baseline,
                                    settings: .init(window: options.window, stride: options.stride, mode: options.mode),
                                    score: LinearScore(weights: weights, bias: bias))
            (heatmap, macs) = (map.heatmap, map.multiplyAdds)
        }

        // 2. Regions, and how much of the score each carries.
        let side = Preprocessing.cropSize
        let components = EvidenceRegions.find(heatmap: heatmap, width: side, height: side, limit: options.regions)
        let hidden = components.map { Occlusion.occluded(input, baseline: baseline, patch: $0.box) }
        let scoredEmbeddings = backbone.network.embed([input, baseline] + hidden)
        let logits = scoredEmbeddings.map { logit($0, concept: c) }
        let p = model.probabilities(embedding: scoredEmbeddings[0])[c]
        // The evidence is measured in log-odds against the all-baseline image:
        // a region's share is the part of that gap that hiding it closes.
        let evidence = logits[0] - logits[1]

        // 3. Names: annotations, the model's concepts on the crop, ImageNet on the crop.
        let crops = try components.map { component -> [Float] in
            let box = geometry.toOriginal(component.box)
            return Preprocessing.normalize(preprocessing.networkImage(try regionCrop(decoded, box: box, original: size)))
        }
        let cropEmbeddings = backbone.network.embed(crops)
        let cropConcepts = crops.isEmpty ? [] : model.predictProbabilities(FeatureMatrix(cropEmbeddings))
        let k = model.concepts.count
        let namerConcepts = namer.map { $0.concepts.filter { !model.concepts.contains($0) } } ?? []
        let namerScores = crops.isEmpty || namer == nil ? [] : namer!.predictProbabilities(FeatureMatrix(cropEmbeddings))
        var regions: [Explanation.EvidenceRegion] = []
        var focal = false
        for (i, component) in components.enumerated() {
            let box = geometry.toOriginal(component.box)
            var names: [Explanation.Name] = []
            for a in annotations where a.box.overlap(box) >= 0.3 {
                names.append(.init(name: a.concept, source: "annotation", score: a.box.overlap(box)))
            }
            names.sort { $0.score > $1.score }
            var scored = (0..<k).map { (model.concepts[$0], cropConcepts[i * k + $0]) }
            if let namer {
                let m = namer.concepts.count
                scored += namerConcepts.map { ($0, namerScores[i * m + namer.concepts.firstIndex(of: $0)!]) }
            }
            let conceptNames = scored.filter { $0.1 >= 0.5 }.sorted { $0.1 > $1.1 }
            names += conceptNames.map { .init(name: $0.0, source: "concept", score: $0.1) }
            names += backbone.topClasses(embedding: cropEmbeddings[i], k: 2).map { .init(name: $0.label, source: "imagenet", score: $0.probability) }
            // The concept's own evidence: its annotation, or (without annotations) the crop alone scores it.
            if annotations.isEmpty {
                if model.mode == .multiLabel, cropConcepts[i * k + c] >= model.thresholds[c] { focal = true }
            } else if names.contains(where: { $0.source == "annotation" && $0.name == name }) {
                focal = true
            }
            let drop = logits[0] - logits[i + 2]
            regions.append(.init(box: box.array, share: abs(evidence) > 1e-9 ? drop / evidence : 0, drop: drop, names: names))
        }
        regions.sort { $0.share > $1.share }

        let threshold = model.mode == .multiLabel ? model.thresholds[c] : 0.5
        return Explanation(
            image: path, concept: name, score: p, threshold: threshold, fires: p >= threshold,
            settings: .init(window: options.window, stride: options.stride, baseline: options.baseline.rawValue,
                            mode: options.segments == nil ? options.mode.rawValue : "superpixels", segments: options.segments),
            heatmap: Self.downsampled(heatmap, side: side, factor: 4, box: geometry.cropBox),
            regions: regions, focal: focal, multiplyAdds: macs, seconds: Date().timeIntervalSince(started))
    }

    /// The region with a margin of 10% on each side, from the decoded image
    /// (which may be smaller than the original when decoded at reduced size).
    func regionCrop(_ decoded: RGBImage, box: Region.Box, original: (width: Int, height: Int)) throws -> RGBImage {
        let sx = Double(decoded.width) / Double(original.width), sy = Double(decoded.height) / Double(original.height)
        let mx = Double(box.width) * 0.1, my = Double(box.height) * 0.1
        let x0 = max(0, Int((Double(box.x) - mx) * sx)), y0 = max(0, Int((Double(box.y) - my) * sy))
        let x1 = min(decoded.width, Int(((Double(box.x + box.width) + mx) * sx).rounded(.up)))
        let y1 = min(decoded.height, Int(((Double(box.y + box.height) + my) * sy).rounded(.up)))
        return decoded.cropped(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0))
    }

    static func downsampled(_ heatmap: [Double], side: Int, factor: Int, box: Region.Box) -> Explanation.Heatmap {
        let n = side / factor
        let rows = (0..<n).map { y in
            (0..<n).map { x -> Double in
                var total = 0.0
                for dy in 0..<factor { for dx in 0..<factor { total += heatmap[(y * factor + dy) * side + x * factor + dx] } }
                return (total / Double(factor * factor) * 1e4).rounded() / 1e4
            }
        }
        return .init(width: n, height: n, box: box.array, rows: rows)
    }

    /// Superpixel occlusion: each segment hidden in turn (naively, batched); a
    /// pixel's value is its segment's drop.
    func superpixelHeatmap(crop: RGBImage, input: [Float], baseline: [Float], segments: Int, concept c: Int) -> ([Double], Int) {
        let superpixels = Superpixels(image: crop, segments: segments)
        let base = logit(backbone.network.embed([input])[0], concept: c)
        var drops = [Double](repeating: 0, count: superpixels.count)
        for start in stride(from: 0, to: superpixels.count, by: 32) {
            let ids = Array(start..<min(superpixels.count, start + 32))
            let inputs = ids.map { id -> [Float] in
                var copy = input
                for (p, inside) in superpixels.mask(id).enumerated() where inside {
                    for ch in 0..<3 { copy[p * 3 + ch] = baseline[p * 3 + ch] }
                }
                return copy
            }
            for (j, e) in backbone.network.embed(inputs).enumerated() { drops[ids[j]] = base - logit(e, concept: c) }
        }
        let heatmap = superpixels.labels.map { drops[Int($0)] }
        return (heatmap, (superpixels.count + 1) * backbone.network.multiplyAddsPerImage)
    }
}
