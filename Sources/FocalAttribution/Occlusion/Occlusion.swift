import FocalBackbone
import FocalNumerics
import Foundation

/// Embeddings of an image with patches of it replaced by a baseline, for
/// occlusion attribution.
///
/// `.naive` runs the whole network on every occluded copy. `.exact` runs it
/// once, keeps every layer's activations, and for each patch recomputes only
/// the region of each layer that the patch can reach (incremental inference,
/// Krypton, Nakandala et al., SIGMOD 2019), batched across patches: the same
/// numbers for fewer multiply-adds (1/1.7 at window 32, stride 16, because
/// depthwise receptive fields grow fast). `.approximate` (see `OcclusionMap`)
/// computes fewer patches (a coarse grid, then the fine windows beside
/// those at the evidence regions' cut), and from the last 28×28 layer on recomputes only the
/// positions a patch moved by more than a threshold, putting the rest back
/// to first order through the score's gradient.
public struct Occlusion {
    public enum Mode: String, Equatable, Sendable, CaseIterable {
        case naive
        case exact
        case approximate
    }

    /// A patch of the 224×224 input, in pixels.
    public typealias Patch = GridBox

    public struct Result {
        /// One embedding per patch.
        public var embeddings: [[Float]]
        /// The unoccluded image's embedding.
        public var base: [Float]
        /// Multiply-adds spent: the occluded copies and the unoccluded pass.
        public var multiplyAdds: Int
        /// Approximate mode with a linear score: per patch, the first-order
        /// score change of the activation changes it left out, to add to the
        /// score of its embedding.
        public var scoreCorrections: [Double]? = nil
    }

    public let network: EfficientNetLite0
    /// Patches pushed through the network together.
    public var batchSize = 32

    public init(network: EfficientNetLite0) {
        self.network = network
    }

    /// `image` and `baseline` are normalised 224×224×3 inputs; each patch is
    /// filled from `baseline`. (`.approximate` computes the patches it is given
    /// exactly; its savings, fewer patches and the change threshold, are in
    /// `OcclusionMap.map`, which has the score the threshold needs.)
    public func embeddings(image: [Float], baseline: [Float], patches: [Patch], mode: Mode) -> Result {
        precondition(image.count == Architecture.inputSize * Architecture.inputSize * 3 && baseline.count == image.count,
                     "occlusion takes normalised 224x224x3 inputs")
        switch mode {
        case .naive:
            return naive(image: image, baseline: baseline, patches: patches)
        case .exact, .approximate:
            var result = Incremental(network: network, image: image, baseline: baseline)
                .embeddings(patches: patches, batchSize: batchSize)
            result.multiplyAdds += network.multiplyAddsPerImage  // the recorded unoccluded pass
            return result
        }
    }

    /// `image` with `patch` filled from `baseline`.
    public static func occluded(_ image: [Float], baseline: [Float], patch: Patch) -> [Float] {
        var copy = image
        let side = Architecture.inputSize
        for y in patch.rows.clamped(to: 0..<side) {
            for x in patch.columns.clamped(to: 0..<side) {
                for c in 0..<3 { copy[(y * side + x) * 3 + c] = baseline[(y * side + x) * 3 + c] }
            }
        }
        return copy
    }

    func naive(image: [Float], baseline: [Float], patches: [Patch]) -> Result {
        let workspace = EfficientNetLite0.Workspace()
        let pixels = image.count, dims = EfficientNetLite0.embeddingSize
        var out: [[Float]] = []
        var batch = [Float](repeating: 0, count: batchSize * pixels)
        var embeddings = [Float](repeating: 0, count: batchSize * dims)
        for start in stride(from: 0, to: patches.count, by: batchSize) {
            let chunk = patches[start..<min(patches.count, start + batchSize)]
            for (i, patch) in chunk.enumerated() {
                batch.replaceSubrange((i * pixels)..<((i + 1) * pixels), with: Self.occluded(image, baseline: baseline, patch: patch))
            }
            batch.withUnsafeBufferPointer { b in
                embeddings.withUnsafeMutableBufferPointer {
                    network.embed(b.baseAddress!, count: chunk.count, into: $0.baseAddress!, workspace: workspace)
                }
            }
            for i in 0..<chunk.count { out.append(Array(embeddings[(i * dims)..<((i + 1) * dims)])) }
        }
        let base = network.embed([image])[0]
        return Result(embeddings: out, base: base, multiplyAdds: (patches.count + 1) * network.multiplyAddsPerImage)
    }
}

extension EfficientNetLite0 {
    /// Channels of block `b`'s input (b == 16: of the last block's output, the head's input).
    func channels(atInputOf b: Int) -> Int {
        b < blocks.count ? blocks[b].spec.inputChannels : blocks[blocks.count - 1].spec.outputChannels
    }
}
