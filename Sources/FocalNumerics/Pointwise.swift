/// A 1×1 convolution over channel-last rows: one SGEMM (rows × in) · (in × out),
/// then bias, optional residual and activation in a single pass.
///
/// 88% of EfficientNet-Lite0's multiply-adds are here, so they go to OpenBLAS.
public struct PointwiseConvolution: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    public let activation: Activation
    /// out × in, row-major (the stored OIHW layout with 1×1 kernels).
    public let weights: [Float]
    public let bias: [Float]

    public init(inputChannels: Int, outputChannels: Int, weights: [Float], bias: [Float], activation: Activation) {
        precondition(weights.count == inputChannels * outputChannels && bias.count == outputChannels,
                     "pointwise weights do not match \(outputChannels)x\(inputChannels)")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    /// output[r, :] = act(W · input[r, :] + bias (+ residual[r, :])) for `rows` rows.
    public func apply(input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>,
                      residual: UnsafePointer<Float>? = nil, workers: Int = 1) {
        weights.withUnsafeBufferPointer { w in
            BLAS.gemm(m: rows, n: outputChannels, k: inputChannels, a: input, lda: inputChannels,
                      b: w.baseAddress!, ldb: inputChannels, transposeB: true, c: output, ldc: outputChannels)
        }
        addBias(bias, rows: rows, channels: outputChannels, to: output, residual: residual,
                activation: activation, workers: workers)
    }
}

/// x[r, c] = act(x[r, c] + bias[c] (+ residual[r, c])) over a rows × channels matrix.
public func addBias(_ bias: [Float], rows: Int, channels: Int, to x: UnsafeMutablePointer<Float>,
                    residual: UnsafePointer<Float>? = nil, activation: Activation, workers: Int = 1) {
    let vectorEnd = channels - channels % 16
    bias.withUnsafeBufferPointer { bb in
        let b = bb.baseAddress!
        parallelChunks(rows, workers: rows * channels >= 1 << 16 ? workers : 1) { range in
            for r in range {
                let row = x + r * channels
                let res = residual.map { $0 + r * channels }
                var c = 0
                while c < vectorEnd {
                    var v = load16(row + c) + load16(b + c)
                    if let res { v += load16(res + c) }
                    store16(activation.apply(v), row + c)
                    c += 16
                }
                while c < channels {
                    var v = row[c] + b[c]
                    if let res { v += res[c] }
                    row[c] = activation.apply(v)
                    c += 1
                }
            }
        }
    }
}
