import FocalAttribution
import FocalBackbone
import FocalDatasets
import FocalExplain
import FocalImages
import FocalTraining

/// Whether a training positive is *of* the concept or merely shows it: is the
/// concept's own region what carries the score, or the context around it?
public struct Focality: Codable, Sendable {
    public var image: String
    public var focal: Bool
    /// The part of the score (log-odds above the all-baseline image) that the
    /// concept's own region carries on its own, everything else hidden.
    public var ownShare: Double
    /// The part that hiding the concept's region leaves in place: carried by context.
    public var contextShare: Double
    /// "annotation" (the concept's labelled regions) or "map" (the region the
    /// concept's map finds, for positives without a region label).
    public var method: String
    public var reason: String
    /// The model does not score it above a blank image: an under-learned
    /// positive, not a context-driven one (never proposed for removal).
    public var weak = false
    /// With method "map": the share of the map's positive mass in the region it found, and that region.
    public var mapShare: Double?
    public var region: [Int]?
}

/// Measures focality with the model being advised on. With region labels it
/// costs three forward passes per image: the image, the image with the
/// concept's regions hidden, and only those regions shown.
public struct FocalityJudge {
    public let backbone: Backbone
    public let model: HeadModel
    public let concept: String
    public var preprocessing = Preprocessing()
    public var baseline = Baseline.gray
    /// Focal when the concept's own region carries at least this share.
    public var threshold = 0.5
    /// Without a region label, focal also needs the map's strongest region to
    /// hold at least this share of its positive mass (README, "Advice").
    public var massThreshold = 0.5

    public init(backbone: Backbone, model: HeadModel, concept: String) {
        self.backbone = backbone
        self.model = model
        self.concept = concept
    }

    var conceptIndex: Int { model.concepts.firstIndex(of: concept)! }

    /// One verdict per sample (an unreadable image gives its error instead).
    public func judge(_ samples: [Sample], progress: ((Int) -> Void)? = nil) -> [Result<Focality, Error>] {
        var out: [Result<Focality, Error>] = []
        var batch: [(sample: Sample, views: Views)] = []
        // The gray baseline is the same input for every image: score it once.
        let grayLogit = baseline == .gray
            ? logit(backbone.network.embed([[Float](repeating: 0, count: Preprocessing.cropSize * Preprocessing.cropSize * 3)])[0])
            : nil
        func flush() {
            guard !batch.isEmpty else { return }
            let perImage = grayLogit == nil ? 4 : 3
            let inputs = batch.flatMap { [$0.views.input, $0.views.hidden, $0.views.alone] + (grayLogit == nil ? [$0.views.base] : []) }
            let logits = backbone.network.embed(inputs).map { logit($0) }
            for (i, item) in batch.enumerated() {
                let at = perImage * i
                out.append(.success(verdict(item.sample, full: logits[at], hidden: logits[at + 1], alone: logits[at + 2],
                                            base: grayLogit ?? logits[at + 3])))
            }
            batch.removeAll()
            progress?(out.count)
        }
        for sample in samples {
            let own = sample.regions.filter { $0.concept == concept }
            do {
                if own.isEmpty {
                    flush()
                    out.append(.success(try explained(sample)))
                    progress?(out.count)
                } else {
                    batch.append((sample, try views(sample, own: own)))
                    if batch.count == 8 { flush() }
                }
            } catch {
                flush()
                out.append(.failure(error))
            }
        }
        flush()
        return out
    }

    struct Views { var input, hidden, alone, base: [Float] }

    func logit(_ embedding: [Float]) -> Double {
        model.decisionFunction(FeatureMatrix(rows: 1, columns: embedding.count, values: embedding))[conceptIndex]
    }

    /// The network input, with the concept's regions hidden, with only them
    /// shown, and the baseline they are hidden with.
    func views(_ sample: Sample, own: [Region]) throws -> Views {
        let image = try preprocessing.prepare(path: sample.path)
        let geometry = image.geometry, input = image.input
        let base = baseline.input(for: image.crop)
        let side = Preprocessing.cropSize
        var inside = [Bool](repeating: false, count: side * side)
        for region in own {
            let box = geometry.toCrop(region.box)
            for y in box.rows { for x in box.columns { inside[y * side + x] = true } }
        }
        var hidden = input, alone = input
        for p in 0..<(side * side) {
            for c in 0..<3 {
                if inside[p] { hidden[p * 3 + c] = base[p * 3 + c] } else { alone[p * 3 + c] = base[p * 3 + c] }
            }
        }
        return Views(input: input, hidden: hidden, alone: alone, base: base)
    }

    func verdict(_ sample: Sample, full: Double, hidden: Double, alone: Double, base: Double) -> Focality {
        let evidence = full - base
        guard evidence > 1e-6 else {
            return Focality(image: sample.path, focal: false, ownShare: 0, contextShare: 0, method: "annotation",
                            reason: "the model does not score it above a blank image", weak: true)
        }
        let own = min(1, max(0, (alone - base) / evidence))
        let context = min(1, max(0, (hidden - base) / evidence))
        let focal = own >= threshold
        let reason = focal
            ? "its \(concept) region alone gives \(percent(own)) of the score"
            : "its \(concept) region alone gives \(percent(own)) of the score; with it hidden, context still gives \(percent(context))"
        return Focality(image: sample.path, focal: focal, ownShare: own, contextShare: context, method: "annotation", reason: reason)
    }

    /// Without a region label: the concept's map (its log-odds split over the
    /// image) finds the region that carries most of the positive evidence; the
    /// positive is focal when that region holds at least `massThreshold` of the
    /// map's positive mass and, shown alone, restores at least `threshold` of
    /// the score (the same test as with a label, on the region the map found).
    func explained(_ sample: Sample) throws -> Focality {
        var options = Explainer.Options()
        options.baseline = baseline
        let e = try Explainer(backbone: backbone, model: model, preprocessing: preprocessing, options: options)
            .explain(path: sample.path, concept: concept)
        guard e.logit - e.baselineLogit > 1e-6 else {
            return Focality(image: sample.path, focal: false, ownShare: 0, contextShare: 0, method: "map",
                            reason: "the model does not score it above a blank image", weak: true)
        }
        guard let best = e.regions.max(by: { $0.mapShare < $1.mapShare }) else {
            return Focality(image: sample.path, focal: false, ownShare: 0, contextShare: 1, method: "map",
                            reason: "its map has no positive evidence region", mapShare: 0)
        }
        let own = min(1, max(0, best.insertionShare))
        let context = min(1, max(0, 1 - best.share))
        let focal = own >= threshold && best.mapShare >= massThreshold
        let reason = "its strongest region holds \(percent(best.mapShare)) of the map's evidence and alone gives \(percent(own)) of the score"
            + (focal ? "" : "; with it hidden, the rest still gives \(percent(context))")
        return Focality(image: sample.path, focal: focal, ownShare: own, contextShare: context, method: "map", reason: reason,
                        mapShare: best.mapShare, region: best.box)
    }
}

func percent(_ v: Double) -> String { "\(Int((v * 100).rounded()))%" }
