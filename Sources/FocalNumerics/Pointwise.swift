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
    ///
    /// With several workers the rows (or, for few rows, the output channels) are
    /// split between them, each calling single-threaded OpenBLAS and then adding
    /// its own bias while the block is still in its cache. Focal owns all the
    /// threads: OpenBLAS's spinning workers would otherwise fight ours for cores.
    public func apply(input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>,
                      residual: UnsafePointer<Float>? = nil, workers: Int = 1) {
        let n = outputChannels, k = inputChannels
        weights.withUnsafeBufferPointer { wb in
            let w = wb.baseAddress!
            if rows >= 64 * workers || n < 64 * workers {
                parallelChunks(rows, workers: workers) { part in
                    BLAS.gemm(m: part.count, n: n, k: k, a: input + part.lowerBound * k, lda: k,
                              b: w, ldb: k, transposeB: true, c: output + part.lowerBound * n, ldc: n)
                    addBias(bias, rows: part, channels: n, to: output, residual: residual, activation: activation)
                }
            } else {
                // Few rows (late layers at batch 1): split the output channels, in multiples of 16.
                parallelChunks(n / 16, workers: workers) { part in
                    let lo = part.lowerBound * 16, hi = part.upperBound == n / 16 ? n : part.upperBound * 16
                    BLAS.gemm(m: rows, n: hi - lo, k: k, a: input, lda: k,
                              b: w + lo * k, ldb: k, transposeB: true, c: output + lo, ldc: n)
                }
                addBias(bias, rows: 0..<rows, channels: n, to: output, residual: residual, activation: activation)
            }
        }
    }
}

/// x[r, c] = act(x[r, c] + bias[c] (+ residual[r, c])) for the rows `rows` of a matrix with `channels` columns.
public func addBias(_ bias: [Float], rows: Range<Int>, channels: Int, to x: UnsafeMutablePointer<Float>,
                    residual: UnsafePointer<Float>? = nil, activation: Activation) {
    let vectorEnd = channels - channels % 16
    bias.withUnsafeBufferPointer { bb in
        let b = bb.baseAddress!
        for r in rows {
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
