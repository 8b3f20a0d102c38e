import FocalBackbone

/// Where in an image a linear score of its embedding comes from: an image and
/// a score in, a map on the image's pixels out.
///
/// Every method Focal has (the logit map, grid occlusion in its three modes,
/// superpixel occlusion) answers this one question, so the explainer picks one
/// by name and does the rest (regions, their checks, names and pictures) the
/// same way for all; a new method is one more conformer, and nothing of the
/// network's internals leaks past this module.
public protocol Attribution {
    func attribute(_ image: AttributionImage, score: LinearScore) throws -> AttributionMap
}

/// What an attribution gives: the score per pixel of the 224×224 network input.
public struct AttributionMap: Sendable {
    /// Row-major, 224×224: the score's drop when the pixel is hidden
    /// (occlusion), or its share of the score (logit map).
    public let heatmap: [Double]
    /// Multiply-adds spent on it (for a logit map, on the image's feature maps,
    /// whether computed now or for an earlier score of the image).
    public let multiplyAdds: Int
    /// The input sides the network saw the image at.
    public let scales: [Int]

    public init(heatmap: [Double], multiplyAdds: Int, scales: [Int]) {
        self.heatmap = heatmap
        self.multiplyAdds = multiplyAdds
        self.scales = scales
    }
}

/// An image as the attributions read it: read once (see `PreparedImage`), with
/// the feature maps computed for it so far. A logit map's costly part, the
/// network's passes, does not depend on the score, so every score of the image
/// (each concept of a model) shares them.
public final class AttributionImage {
    public let prepared: PreparedImage
    /// Logit-map views by their scales and mirroring (see `LogitMapAttribution`).
    var views: [String: LogitMap.Views] = [:]

    public init(_ prepared: PreparedImage) {
        self.prepared = prepared
    }
}
