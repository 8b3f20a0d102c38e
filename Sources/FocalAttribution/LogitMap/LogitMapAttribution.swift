import FocalBackbone
import FocalImages

/// The logit map as an attribution (see `LogitMap`): the score's exact split
/// over the last feature map, at several input scales, seen mirrored too.
public struct LogitMapAttribution: Attribution {
    public let network: EfficientNetLite0
    public var preprocessing = Preprocessing()
    /// Input sides; nil: `LogitMap.defaultScales`, those the image fits.
    public var scales: [Int]?
    /// Each scale is also seen mirrored (see `LogitMap`).
    public var mirrored = true
    public var combination = LogitMap.Combination.peakNormalised

    /// The defaults are the measured ones (README, "Explanations"); set the knobs to change them.
    public init(network: EfficientNetLite0) {
        self.network = network
    }

    public func attribute(_ image: AttributionImage, score: LinearScore) throws -> AttributionMap {
        let sides = try usableScales(image.prepared)
        let map = LogitMap(views: views(image, scales: sides), score: score, combination: combination)
        return AttributionMap(heatmap: map.heatmap, multiplyAdds: map.multiplyAdds, scales: sides)
    }

    /// The image's feature maps at `scales`, computed once per image and shared by its scores.
    func views(_ image: AttributionImage, scales: [Int]) -> LogitMap.Views {
        let key = "\(scales) \(mirrored)"
        if let cached = image.views[key] { return cached }
        let prepared = image.prepared
        let views = LogitMap.Views(decoded: prepared.decoded, original: prepared.size, network: network, scales: scales,
                                   mirrored: mirrored, preprocessing: preprocessing)
        image.views[key] = views
        return views
    }

    /// The scales the image is large enough for (see `LogitMap.fits`).
    /// Asked-for scales that do not fit are an error; of the defaults, the ones
    /// that fit are used.
    public func usableScales(_ image: PreparedImage) throws -> [Int] {
        let shorter = min(image.size.width, image.size.height)
        let asked = scales ?? LogitMap.defaultScales
        let fits = asked.filter { LogitMap.fits(scale: $0, shorterSide: shorter) }
        if fits.count == asked.count { return fits }
        // Of the defaults, those that fit; a thumbnail too small for any is seen at 224, as occlusion sees it.
        if scales == nil { return fits.isEmpty ? [Preprocessing.cropSize] : fits }
        let smallest = asked.first { !LogitMap.fits(scale: $0, shorterSide: shorter) }!
        throw ImageError(.tooSmall, "is \(image.size.width)x\(image.size.height), too small for the \(smallest)-pixel scale "
                         + "(its shorter side must be at least \(LogitMap.smallestShorterSide(scale: smallest)) pixels)",
                         path: image.path)
    }
}
