import FocalBackbone
import FocalDatasets
import FocalImages
import FocalTraining

/// What is in each evidence region: the dataset's region labels that overlap
/// it, the concepts (the model's and the namer's) that its crop scores, and
/// the backbone's ImageNet classes on the crop.
struct RegionNames {
    /// Per region, best first within each source.
    let names: [[Explanation.Name]]
    /// Per region, the model's probabilities on the region's crop (K each).
    let cropConcepts: [Double]
    let conceptCount: Int

    init(explainer: Explainer, image: Explainer.Image, boxes: [Region.Box], annotations: [Region]) throws {
        let model = explainer.model, backbone = explainer.backbone
        let crops = boxes.map { box -> [Float] in
            Preprocessing.normalize(explainer.preprocessing.networkImage(Self.regionCrop(image.decoded, box: box, original: image.size)))
        }
        let embeddings = backbone.network.embed(crops)
        let k = model.concepts.count
        cropConcepts = crops.isEmpty ? [] : model.predictProbabilities(FeatureMatrix(embeddings))
        conceptCount = k
        let namer = explainer.namer
        let namerConcepts = namer.map { $0.concepts.filter { !model.concepts.contains($0) } } ?? []
        let namerScores = crops.isEmpty || namer == nil ? [] : namer!.predictProbabilities(FeatureMatrix(embeddings))
        var all: [[Explanation.Name]] = []
        for (i, box) in boxes.enumerated() {
            var found = annotations.filter { $0.box.overlap(box) >= 0.3 }
                .map { Explanation.Name(name: $0.concept, source: "annotation", score: $0.box.overlap(box)) }
            found.sort { $0.score > $1.score }
            let probabilities = cropConcepts
            var scored = (0..<k).map { (model.concepts[$0], probabilities[i * k + $0]) }
            if let namer {
                let m = namer.concepts.count
                scored += namerConcepts.map { ($0, namerScores[i * m + namer.concepts.firstIndex(of: $0)!]) }
            }
            found += scored.filter { $0.1 >= 0.5 }.sorted { $0.1 > $1.1 }.map { .init(name: $0.0, source: "concept", score: $0.1) }
            found += backbone.topClasses(embedding: embeddings[i], k: 2).map { .init(name: $0.label, source: "imagenet", score: $0.probability) }
            all.append(found)
        }
        names = all
    }

    /// Whether region `i` is the concept's own evidence: its annotation, or
    /// (without annotations) its crop alone scores the concept.
    func isOwnEvidence(region i: Int, concept c: Int, annotations: [Region], model: HeadModel) -> Bool {
        if annotations.isEmpty {
            return model.mode == .multiLabel && cropConcepts[i * conceptCount + c] >= model.thresholds[c]
        }
        return names[i].contains { $0.source == "annotation" && $0.name == model.concepts[c] }
    }

    /// The region with a margin of 10% on each side, from the decoded image
    /// (which may be smaller than the original when decoded at reduced size).
    static func regionCrop(_ decoded: RGBImage, box: Region.Box, original: (width: Int, height: Int)) -> RGBImage {
        let sx = Double(decoded.width) / Double(original.width), sy = Double(decoded.height) / Double(original.height)
        let mx = Double(box.width) * 0.1, my = Double(box.height) * 0.1
        let x0 = max(0, Int((Double(box.x) - mx) * sx)), y0 = max(0, Int((Double(box.y) - my) * sy))
        let x1 = min(decoded.width, Int(((Double(box.x + box.width) + mx) * sx).rounded(.up)))
        let y1 = min(decoded.height, Int(((Double(box.y + box.height) + my) * sy).rounded(.up)))
        return decoded.cropped(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0))
    }
}
