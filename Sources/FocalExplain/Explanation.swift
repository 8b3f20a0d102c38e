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
        /// The drop of the concept's log-odds when the region is hidden (deletion).
        public var drop: Double
        /// The concept's log-odds with only the region shown, the rest baseline (insertion).
        public var insertion: Double
        /// The share of the evidence the region restores on its own: insertion
        /// over the all-baseline image, against the whole image's.
        public var insertionShare: Double
        /// The share of the heatmap's positive mass inside the region's box.
        public var mapShare: Double
        public var names: [Name]
    }

    public struct Settings: Codable, Sendable {
        public var window: Int
        public var stride: Int
        public var baseline: String
        /// "map", "superpixels", or the occlusion mode (approximate, exact, naive).
        public var mode: String
        public var segments: Int?
        /// Regions are the heatmap's connected parts at or above this share of its peak.
        public var cut: Double
        /// The map method: whether each scale was also seen mirrored (nil for other methods).
        public var mirrored: Bool? = nil
    }

    public struct Heatmap: Codable, Sendable {
        /// Resolution of `rows`; they cover `box` (the network's crop) of the original image.
        public var width: Int
        public var height: Int
        public var box: [Int]
        /// Per cell (rows top to bottom): with the map method, the cell's part of
        /// the concept's log-odds (the cells sum to about the logit minus the
        /// head's bias); with occlusion, the mean drop of the log-odds when the
        /// pixels there are hidden.
        public var rows: [[Double]]
    }

    public var image: String
    public var concept: String
    /// "map", "occlusion" or "segments".
    public var method: String
    /// The input sides the map was computed at ([224] for occlusion).
    public var scales: [Int]
    /// The model's probability for the concept on the whole image.
    public var score: Double
    /// The concept's log-odds on the whole image, and on the all-baseline image.
    public var logit: Double
    public var baselineLogit: Double
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
