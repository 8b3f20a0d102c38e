import FocalAttribution
import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalImages
import FocalTraining
import Foundation

/// Explains a concept model's score on an image: a map of where the score
/// comes from (an `Attribution`: the head's exact split over the feature map
/// at several scales, or occlusion), the regions that carry it, each checked
/// by hiding it and by showing it alone, and named from the dataset's region
/// labels, the model's other concepts and the backbone's ImageNet classes.
public struct Explainer {
    /// How the heatmap is made.
    public enum Method: String, CaseIterable, Sendable {
        /// The logit's exact split over feature-map positions, at several scales (one pass each).
        case map
        /// Square windows hidden in turn (naive, exact or approximate).
        case occlusion
        /// Superpixels hidden in turn.
        case segments
    }

    public struct Options: Sendable {
        public var method = Method.map
        /// Input sides of the map method; nil: `LogitMap.defaultScales`, those the image fits.
        public var scales: [Int]?
        public var combination = LogitMap.Combination.peakNormalised
        /// The map method also sees the image mirrored (see `LogitMap`).
        public var mirror = true
        public var window = 32
        public var stride = 16
        public var baseline = Baseline.gray
        public var mode = Occlusion.Mode.approximate
        /// How many superpixels the segments method hides.
        public var segments = 100
        public var regions = 3
        /// A region is a connected part of the heatmap at or above this share of
        /// its peak; nil takes the method's measured default.
        public var cut: Double?
        public init() {}

        /// The cut measured for each method (README, "Explanations").
        public var regionCut: Double { cut ?? (method == .map ? 0.5 : 0.35) }
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

    /// Log-odds of concept `c` for an embedding: the score a map splits and
    /// occlusion measures (probabilities saturate near 1 and hide the evidence).
    func logit(_ embedding: [Float], concept c: Int) -> Double {
        model.decisionFunction(FeatureMatrix(rows: 1, columns: embedding.count, values: embedding))[c]
    }

    /// The image, read once (see `PreparedImage`), with the feature maps its concepts share.
    public struct Image {
        public let attributed: AttributionImage
        public var prepared: PreparedImage { attributed.prepared }
        public var path: String { prepared.path }
        public var decoded: RGBImage { prepared.decoded }
        public var size: (width: Int, height: Int) { prepared.size }
        public var geometry: CropGeometry { prepared.geometry }
        public var crop: RGBImage { prepared.crop }
        public var input: [Float] { prepared.input }

        public init(_ prepared: PreparedImage) {
            attributed = AttributionImage(prepared)
        }

        public init(path: String, preprocessing: Preprocessing) throws {
            self.init(try preprocessing.prepare(path: path))
        }
    }

    public func explain(path: String, concept name: String, annotations: [Region] = []) throws -> Explanation {
        try explain(Image(path: path, preprocessing: preprocessing), concept: name, annotations: annotations)
    }

    public func explain(_ image: Image, concept name: String, annotations: [Region] = []) throws -> Explanation {
        let c: Int
        do { c = try model.conceptIndex(named: name) } catch { throw DatasetError(file: image.path, error.description) }
        let started = Date()
        let input = image.input
        let baseline = options.baseline.input(for: image.crop)
        let (weights, bias) = model.logitCoefficients(concept: c)
        let score = LinearScore(weights: weights, bias: bias)

        // 1. The heatmap, on the 224×224 input's pixels.
        let map = try attribution(concept: c).attribute(image.attributed, score: score)
        let (heatmap, macs, scales) = (map.heatmap, map.multiplyAdds, map.scales)

        // 2. Regions, each checked by an intervention: hidden (deletion), shown alone (insertion).
        let side = Preprocessing.cropSize
        let components = EvidenceRegions.find(heatmap: heatmap, width: side, height: side, fraction: options.regionCut,
                                              limit: options.regions)
        let hidden = components.map { Occlusion.occluded(input, baseline: baseline, patch: $0.box) }
        let alone = components.map { Occlusion.occluded(baseline, baseline: input, patch: $0.box) }
        let scored = backbone.network.embed([input, baseline] + hidden + alone)
        let logits = scored.map { logit($0, concept: c) }
        let p = model.probabilities(embedding: scored[0])[c]
        // The evidence is measured in log-odds against the all-baseline image:
        // a region's share is the part of that gap that hiding it closes.
        let evidence = logits[0] - logits[1]

        // 3. Names: annotations, the model's concepts on the crop, ImageNet on the crop.
        let names = try RegionNames(explainer: self, image: image, boxes: components.map { image.geometry.toOriginal($0.box) },
                                    annotations: annotations)
        var regions: [Explanation.EvidenceRegion] = []
        var focal = false
        for (i, component) in components.enumerated() {
            let box = image.geometry.toOriginal(component.box)
            if names.isOwnEvidence(region: i, concept: c, annotations: annotations, model: model) { focal = true }
            let drop = logits[0] - logits[i + 2]
            let inserted = logits[i + 2 + components.count]
            regions.append(.init(box: box.array, share: abs(evidence) > 1e-9 ? drop / evidence : 0, drop: drop,
                                 insertion: inserted,
                                 insertionShare: abs(evidence) > 1e-9 ? (inserted - logits[1]) / evidence : 0,
                                 mapShare: EvidenceRegions.positiveShare(of: component.box, in: heatmap, side: side),
                                 names: names.names[i]))
        }
        regions.sort { $0.share > $1.share }

        let threshold = model.mode == .multiLabel ? model.thresholds[c] : 0.5
        return Explanation(
            image: image.path, concept: name, method: options.method.rawValue, scales: scales,
            score: p, logit: logits[0], baselineLogit: logits[1], threshold: threshold, fires: p >= threshold,
            settings: .init(window: options.window, stride: options.stride, baseline: options.baseline.rawValue,
                            mode: settingsMode, segments: options.method == .segments ? options.segments : nil,
                            cut: options.regionCut, mirrored: options.method == .map ? options.mirror : nil),
            heatmap: Self.downsampled(heatmap, side: side, factor: 4, box: image.geometry.cropBox, summed: options.method == .map),
            regions: regions, focal: focal, multiplyAdds: macs, seconds: Date().timeIntervalSince(started))
    }

    /// The attribution `options.method` names, with its knobs from `options`.
    /// (`concept` scores the segments method's embeddings the model's own way.)
    func attribution(concept c: Int) -> any Attribution {
        let network = backbone.network
        switch options.method {
        case .map:
            return logitMap
        case .occlusion:
            var occlusion = OcclusionAttribution(network: network)
            occlusion.window = options.window
            occlusion.stride = options.stride
            occlusion.baseline = options.baseline
            occlusion.mode = options.mode
            return occlusion
        case .segments:
            var segments = SegmentOcclusionAttribution(network: network)
            segments.segments = options.segments
            segments.baseline = options.baseline
            segments.embeddingScore = { logit($0, concept: c) }
            return segments
        }
    }

    /// The map method's attribution, with its knobs from `options` (the detector uses it too).
    var logitMap: LogitMapAttribution {
        var map = LogitMapAttribution(network: backbone.network)
        map.preprocessing = preprocessing
        map.scales = options.scales
        map.mirrored = options.mirror
        map.combination = options.combination
        return map
    }

    var settingsMode: String {
        switch options.method {
        case .map: return "map"
        case .segments: return "superpixels"
        case .occlusion: return options.mode.rawValue
        }
    }

    /// The heatmap at 1/`factor` resolution: cell means (occlusion: a drop per
    /// pixel), or cell sums (map: the cells then sum to the score's split).
    static func downsampled(_ heatmap: [Double], side: Int, factor: Int, box: Region.Box, summed: Bool) -> Explanation.Heatmap {
        let n = side / factor
        let rows = (0..<n).map { y in
            (0..<n).map { x -> Double in
                var total = 0.0
                for dy in 0..<factor { for dx in 0..<factor { total += heatmap[(y * factor + dy) * side + x * factor + dx] } }
                return significant(summed ? total : total / Double(factor * factor), digits: 6)
            }
        }
        return .init(width: n, height: n, box: box.array, rows: rows)
    }
}

/// `value` rounded to `digits` significant digits.
func significant(_ value: Double, digits: Int) -> Double {
    guard value != 0, value.isFinite else { return value }
    let scale = pow(10, Double(digits) - (log10(abs(value))).rounded(.up))
    return (value * scale).rounded() / scale
}
