import FocalAttribution
import FocalBackbone
import FocalDatasets
import FocalImages
import FocalTraining

/// A concept model used as a detector (the seed's remedy for scenes with many
/// objects: detect the regions, then label them separately). Each concept that
/// fires gets one box, its map's strongest connected region; a person corrects
/// the boxes and trains on them.
public struct Detections: Codable, Sendable {
    public struct Box: Codable, Sendable {
        public var concept: String
        /// The model's probability for the concept on the whole image.
        public var score: Double
        /// [x, y, width, height] in pixels of the original image.
        public var box: [Int]
        /// The share of the concept's positive map mass inside the box.
        public var mapShare: Double
    }

    public var image: String
    public var width: Int
    public var height: Int
    /// Concepts that fire, best first, each with its box (none when its map has no positive region).
    public var boxes: [Box]
    /// The model's concepts that fire (the positives of the manifest row).
    public var positives: [String]
    /// Those that do not (its negatives).
    public var negatives: [String]
}

extension Explainer {
    /// The boxes of the concepts that fire on `image` (of `only` those, when given).
    public func detect(_ image: Image, only: [String]? = nil) throws -> Detections {
        let (fired, probabilities) = firing(image)
        var positives: [String] = [], negatives: [String] = []
        for name in model.concepts where only?.contains(name) ?? true {
            if fired.contains(name) { positives.append(name) } else { negatives.append(name) }
        }
        positives.sort { probabilities[model.concepts.firstIndex(of: $0)!] > probabilities[model.concepts.firstIndex(of: $1)!] }
        let maps = logitMap
        _ = try maps.usableScales(image.prepared)  // asked-for scales the image is too small for are an error even with no positives
        var boxes: [Detections.Box] = []
        for name in positives {
            let c = model.concepts.firstIndex(of: name)!
            let (weights, bias) = model.logitCoefficients(concept: c)
            let map = try maps.attribute(image.attributed, score: LinearScore(weights: weights, bias: bias))
            let side = Preprocessing.cropSize
            guard let best = EvidenceRegions.find(heatmap: map.heatmap, width: side, height: side,
                                                  fraction: options.regionCut, limit: 1).first else { continue }
            boxes.append(.init(concept: name, score: probabilities[c], box: image.geometry.toOriginal(best.box).array,
                               mapShare: EvidenceRegions.positiveShare(of: best.box, in: map.heatmap, side: side)))
        }
        return Detections(image: image.path, width: image.size.width, height: image.size.height, boxes: boxes,
                          positives: positives, negatives: negatives)
    }
}

extension Detections {
    /// The manifest row a person corrects: positives, negatives and one region per box.
    public var sample: Sample {
        Sample(image: image, path: image, positives: positives, negatives: negatives,
               regions: boxes.map { Region(concept: $0.concept, x: $0.box[0], y: $0.box[1], width: $0.box[2], height: $0.box[3]) })
    }
}
