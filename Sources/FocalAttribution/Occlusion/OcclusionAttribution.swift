import FocalBackbone

/// Grid occlusion as an attribution (see `Occlusion` and `OcclusionMap`):
/// square windows of the 224×224 input hidden in turn, each pixel's value the
/// mean score drop of the windows that cover it. The knobs are Captum's.
public struct OcclusionAttribution: Attribution {
    public let network: EfficientNetLite0
    /// The windows' side and the step between them, in input pixels.
    public var window = 32
    public var stride = 16
    /// What a hidden window is filled with.
    public var baseline = Baseline.gray
    /// Every window through the whole network, every window incrementally, or
    /// the windows near the evidence through a change threshold (see `Occlusion`).
    public var mode = Occlusion.Mode.approximate

    /// Set the knobs after; the defaults are Focal's (`OcclusionMap.Settings`).
    public init(network: EfficientNetLite0) {
        self.network = network
    }

    public func attribute(_ image: AttributionImage, score: LinearScore) throws -> AttributionMap {
        let map = Occlusion(network: network).map(
            image: image.prepared.input, baseline: baseline.input(for: image.prepared.crop),
            settings: .init(window: window, stride: stride, mode: mode), score: score)
        return AttributionMap(heatmap: map.heatmap, multiplyAdds: map.multiplyAdds, scales: [Preprocessing.cropSize])
    }
}
