import FocalBackbone

/// Superpixel occlusion as an attribution: the crop cut into SLIC segments
/// (see `Superpixels`), each hidden in turn (naively, batched); a pixel's
/// value is its segment's score drop. Segments follow the image's edges, so
/// the evidence keeps the shape of the thing rather than of a grid.
public struct SegmentOcclusionAttribution: Attribution {
    public let network: EfficientNetLite0
    /// How many superpixels to cut the crop into (SLIC may make a few more or fewer).
    public var segments = 100
    /// What a hidden segment is filled with.
    public var baseline = Baseline.gray
    /// How an embedding is scored; nil: by the linear score itself. A concept
    /// model's own decision function (a float32 GEMM on standardised features)
    /// differs from it in the last digits, and the segments method has always
    /// measured its drops with the model's.
    public var embeddingScore: (([Float]) -> Double)?

    /// Occluded copies pushed through the network together.
    static let batchSize = 32

    /// Set the knobs after.
    public init(network: EfficientNetLite0) {
        self.network = network
    }

    public func attribute(_ image: AttributionImage, score: LinearScore) throws -> AttributionMap {
        let scored = embeddingScore ?? { score($0) }
        let input = image.prepared.input, baseline = baseline.input(for: image.prepared.crop)
        let superpixels = Superpixels(image: image.prepared.crop, segments: segments)
        let base = scored(network.embed([input])[0])
        var drops = [Double](repeating: 0, count: superpixels.count)
        for start in stride(from: 0, to: superpixels.count, by: Self.batchSize) {
            let ids = Array(start..<min(superpixels.count, start + Self.batchSize))
            let inputs = ids.map { id -> [Float] in
                var copy = input
                for (p, inside) in superpixels.mask(id).enumerated() where inside {
                    for ch in 0..<3 { copy[p * 3 + ch] = baseline[p * 3 + ch] }
                }
                return copy
            }
            for (j, e) in network.embed(inputs).enumerated() { drops[ids[j]] = base - scored(e) }
        }
        return AttributionMap(heatmap: superpixels.labels.map { drops[Int($0)] },
                              multiplyAdds: (superpixels.count + 1) * network.multiplyAddsPerImage,
                              scales: [Preprocessing.cropSize])
    }
}
