import FocalDatasets
import Foundation

/// Why a concept model scored an image as it did: the occlusion heatmap and
/// the regions that carry the score, with names. Encodes to the JSON document
/// `focal explain` writes.
public struct Explanation: Codable, Sendable {
    public struct Name: Codable, Sendable, Equatable {
        public var name: String
        /// "annotation" (the dataset's region labels), "concept" (the model's
        /// concepts scored on the region's crop) or "imagenet" (the backbone's labels).
        public var source: String
        public var score: Double
    }

    public struct EvidenceRegion: Codable, Sendable {
        /// [x, y, width, height] in pixels of the original image.
        public var box: [Int]
        /// The share of the evidence this region carries: how much of the gap in
        /// log-odds between the image and the all-baseline image hiding it closes.
        public var share: Double
        /// The drop of the concept's log-odds when the region is hidden.
        public var drop: Double
        public var names: [Name]
    }

    public struct Settings: Codable, Sendable {
        public var window: Int
        public var stride: Int
        public var baseline: String
        public var mode: String
        public var segments: Int?
    }

    public struct Heatmap: Codable, Sendable {
        /// Resolution of `rows`; they cover `box` (the network's crop) of the original image.
        public var width: Int
        public var height: Int
        public var box: [Int]
        /// Per cell, the mean drop of the concept's log-odds when the pixels there are hidden.
        public var rows: [[Double]]
    }

    public var image: String
    public var concept: String
    /// The model's probability for the concept on the whole image.
    public var score: Double
    public var threshold: Double
    public var fires: Bool
    public var settings: Settings
    public var heatmap: Heatmap
    /// Largest share first.
    public var regions: [EvidenceRegion]
    /// True when the concept's own evidence is among the top regions (the
    /// photo is *of* it); false when the score comes from context.
    public var focal: Bool
    public var multiplyAdds: Int
    public var seconds: Double

    /// One paragraph for a person.
    public var summary: String {
        var text = "\(image): \(concept) \(String(format: "%.2f", score))" + (fires ? " (fires)" : " (below its threshold)")
        for (i, r) in regions.enumerated() {
            let names = r.names.prefix(3).map { "\($0.name) (\($0.source) \(String(format: "%.2f", $0.score)))" }.joined(separator: ", ")
            text += "\n  region \(i + 1) at \(r.box.map(String.init).joined(separator: ",")): \(String(format: "%.0f", r.share * 100))% of the score; \(names.isEmpty ? "unnamed" : names)"
        }
        text += focal
            ? "\n  the \(concept) itself is among the evidence: the photo is of it."
            : "\n  no \(concept) among the top regions: the score comes from context."
        return text
    }
}
