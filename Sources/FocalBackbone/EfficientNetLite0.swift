import FocalNumerics
import Foundation

/// EfficientNet-Lite0 inference on the CPU: images in, 1280-d embeddings and
/// ImageNet logits out.
///
/// Activations are channel-last (N×H×W×C) so that 1×1 convolutions over a
/// whole batch are one SGEMM and depthwise loops read 16 contiguous channels.
/// Batch norm is folded into each convolution when the weights are loaded.
///
/// This file holds the layers and how they are loaded; the forward pass is in
/// `EfficientNetLite0+ForwardPass`, how a batch is spread over the workers in
/// `+Scheduling`, and the scratch memory in `+Workspace`.
public final class EfficientNetLite0: Sendable {
    public static let embeddingSize = Architecture.headChannels
    public static let inputSize = Architecture.inputSize

    /// The layers, with `package` access: incremental occlusion (FocalAttribution)
    /// recomputes them region by region, and no one outside the package needs them.
    package struct Block: Sendable {
        package let spec: Architecture.Block
        package let expand: PointwiseConvolution?
        package let depthwise: DepthwiseConvolution
        package let project: PointwiseConvolution
    }

    package let stemConvolution: FullConvolution
    package let blocks: [Block]
    package let head: PointwiseConvolution
    let classifierWeights: [Float]          // 1000 × 1280
    let classifierBias: [Float]
    /// Worker threads for the depthwise loops (OpenBLAS has its own).
    public let workers: Int

    /// Loads and validates weights in the lukemelas naming the converter keeps.
    public init(weights: SafeTensors, workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        self.workers = max(1, workers)
        // Focal splits the work between its own workers, each calling OpenBLAS
        // single-threaded (see PointwiseConvolution.apply).
        BLAS.threads = 1
        HeapTuning.keepLargeBlocks()
        let stemWeights = try weights.floats("_conv_stem.weight", shape: [32, 3, 3, 3])
        // OIHW → rows in im2col order ((ky·3 + kx)·3 + ci).
        var stemRows = [Float](repeating: 0, count: 32 * 27)
        for o in 0..<32 { for i in 0..<3 { for ky in 0..<3 { for kx in 0..<3 {
            stemRows[o * 27 + (ky * 3 + kx) * 3 + i] = stemWeights[((o * 3 + i) * 3 + ky) * 3 + kx]
        } } } }
        let stem = try Self.pointwise(weights, conv: stemRows, inputs: 27, outputs: 32, bn: "_bn0", activation: .relu6)
        var tapMajorStem = [Float](repeating: 0, count: 27 * 32)
        for o in 0..<32 { for t in 0..<27 { tapMajorStem[t * 32 + o] = stem.weights[o * 27 + t] } }
        stemConvolution = FullConvolution(inputChannels: 3, outputChannels: 32, kernel: 3, stride: 2,
                                          weights: tapMajorStem, bias: stem.bias, activation: .relu6)

        var blocks: [Block] = []
        for spec in Architecture.blocks {
            let p = "_blocks.\(spec.index)."
            let e = spec.expandedChannels
            var expand: PointwiseConvolution?
            if spec.expansion != 1 {
                let w = try weights.floats(p + "_expand_conv.weight", shape: [e, spec.inputChannels, 1, 1])
                // Its ReLU6 is applied by the depthwise layer as it reads (see inputActivation).
                expand = try Self.pointwise(weights, conv: w, inputs: spec.inputChannels, outputs: e,
                                            bn: p + "_bn0", activation: .identity)
            }
            let dw = try weights.floats(p + "_depthwise_conv.weight", shape: [e, 1, spec.kernel, spec.kernel])
            let (dwScale, dwBias) = try Self.batchNorm(weights, p + "_bn1", channels: e)
            var tapMajor = [Float](repeating: 0, count: dw.count)
            let taps = spec.kernel * spec.kernel
            for c in 0..<e { for t in 0..<taps { tapMajor[t * e + c] = dw[c * taps + t] * dwScale[c] } }
            let depthwise = DepthwiseConvolution(channels: e, kernel: spec.kernel, stride: spec.stride,
                                                 weights: tapMajor, bias: dwBias, activation: .relu6,
                                                 inputActivation: .relu6)
            let pw = try weights.floats(p + "_project_conv.weight", shape: [spec.outputChannels, e, 1, 1])
            let project = try Self.pointwise(weights, conv: pw, inputs: e, outputs: spec.outputChannels,
                                             bn: p + "_bn2", activation: .identity)
            blocks.append(Block(spec: spec, expand: expand, depthwise: depthwise, project: project))
        }
        self.blocks = blocks
        let headWeights = try weights.floats("_conv_head.weight", shape: [1280, 320, 1, 1])
        head = try Self.pointwise(weights, conv: headWeights, inputs: 320, outputs: 1280, bn: "_bn1", activation: .relu6)
        classifierWeights = try weights.floats("_fc.weight", shape: [1000, 1280])
        classifierBias = try weights.floats("_fc.bias", shape: [1000])
    }

    /// y = (x − mean) / sqrt(var + ε) · γ + β as a per-channel scale and shift.
    static func batchNorm(_ w: SafeTensors, _ prefix: String, channels: Int) throws -> (scale: [Float], shift: [Float]) {
        let gamma = try w.floats(prefix + ".weight", shape: [channels])
        let beta = try w.floats(prefix + ".bias", shape: [channels])
        let mean = try w.floats(prefix + ".running_mean", shape: [channels])
        let variance = try w.floats(prefix + ".running_var", shape: [channels])
        var scale = [Float](repeating: 0, count: channels), shift = scale
        for c in 0..<channels {
            let s = Double(gamma[c]) / (Double(variance[c]) + Architecture.batchNormEpsilon).squareRoot()
            scale[c] = Float(s)
            shift[c] = Float(Double(beta[c]) - Double(mean[c]) * s)
        }
        return (scale, shift)
    }

    static func pointwise(_ w: SafeTensors, conv: [Float], inputs: Int, outputs: Int, bn: String,
                          activation: Activation) throws -> PointwiseConvolution {
        let (scale, shift) = try batchNorm(w, bn, channels: outputs)
        var folded = conv
        for o in 0..<outputs { for i in 0..<inputs { folded[o * inputs + i] *= scale[o] } }
        return PointwiseConvolution(inputChannels: inputs, outputChannels: outputs, weights: folded,
                                    bias: shift, activation: activation)
    }

    /// ImageNet logits (count × 1000) of embeddings (count × 1280).
    public func logits(embeddings: UnsafePointer<Float>, count n: Int, into output: UnsafeMutablePointer<Float>) {
        for i in 0..<n {
            (output + i * Architecture.classCount).update(from: classifierBias, count: Architecture.classCount)
        }
        classifierWeights.withUnsafeBufferPointer { w in
            BLAS.gemm(m: n, n: Architecture.classCount, k: Architecture.headChannels, a: embeddings,
                      lda: Architecture.headChannels, b: w.baseAddress!, ldb: Architecture.headChannels,
                      transposeB: true, c: output, ldc: Architecture.classCount, beta: 1)
        }
    }
}

extension EfficientNetLite0 {
    /// Convenience for a few images: embeddings as arrays of 1280 floats.
    public func embed(_ inputs: [[Float]]) -> [[Float]] {
        guard !inputs.isEmpty else { return [] }
        let workspace = Workspace()
        let flat = inputs.flatMap { $0 }
        var out = [Float](repeating: 0, count: inputs.count * Self.embeddingSize)
        flat.withUnsafeBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { embed(inp.baseAddress!, count: inputs.count, into: $0.baseAddress!, workspace: workspace) }
        }
        return (0..<inputs.count).map { Array(out[($0 * Self.embeddingSize)..<(($0 + 1) * Self.embeddingSize)]) }
    }

    /// Convenience: logits for one embedding.
    public func logits(_ embedding: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: Architecture.classCount)
        embedding.withUnsafeBufferPointer { e in
            out.withUnsafeMutableBufferPointer { logits(embeddings: e.baseAddress!, count: 1, into: $0.baseAddress!) }
        }
        return out
    }
}
