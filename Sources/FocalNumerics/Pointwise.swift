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
    /// The output is first filled with the bias (plus the residual) and the
    /// SGEMM adds the product to it (β = 1), which spares OpenBLAS zeroing the
    /// output and Focal a pass to add the bias; ReLU6 is then one clamping pass.
    ///
    /// With several workers the work is split along the larger operand: by
    /// rows when there are more rows than output channels, else by output
    /// channels, in multiples of 16. Each worker's SGEMM packs its whole share
    /// of the other operand, so splitting rows would make every worker pack
    /// all the weights, which in the late layers of one image are larger than
    /// the activations. Each worker calls single-threaded OpenBLAS: Focal owns
    /// the threads, as OpenBLAS's spinning workers would fight its own for cores.
    public func apply(input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>,
                      residual: UnsafePointer<Float>? = nil, workers: Int = 1) {
        let n = outputChannels, k = inputChannels
        weights.withUnsafeBufferPointer { wb in
            let w = wb.baseAddress!
            if rows >= n || n < 32 * workers {
                parallelChunks(rows, workers: workers) { part in
                    fill(rows: part, columns: 0..<n, output: output, residual: residual)
                    BLAS.gemm(m: part.count, n: n, k: k, a: input + part.lowerBound * k, lda: k,
                              b: w, ldb: k, transposeB: true, c: output + part.lowerBound * n, ldc: n, beta: 1)
                    clamp(rows: part, columns: 0..<n, output: output)
                }
            } else {
                parallelChunks(n / 16, workers: workers) { part in
                    let lo = part.lowerBound * 16, hi = part.upperBound == n / 16 ? n : part.upperBound * 16
                    fill(rows: 0..<rows, columns: lo..<hi, output: output, residual: residual)
                    BLAS.gemm(m: rows, n: hi - lo, k: k, a: input, lda: k,
                              b: w + lo * k, ldb: k, transposeB: true, c: output + lo, ldc: n, beta: 1)
                    clamp(rows: 0..<rows, columns: lo..<hi, output: output)
                }
            }
        }
    }

    /// output[r, c] = bias[c] (+ residual[r, c]) over a block of the output.
    private func fill(rows: Range<Int>, columns: Range<Int>, output: UnsafeMutablePointer<Float>,
                      residual: UnsafePointer<Float>?) {
        let n = outputChannels
        bias.withUnsafeBufferPointer { bb in
            let b = bb.baseAddress!
            let vectorEnd = columns.lowerBound + columns.count - columns.count % 16
            for r in rows {
                let row = output + r * n
                let res = residual.map { $0 + r * n }
                var c = columns.lowerBound
                while c < vectorEnd {
                    var v = load16(b + c)
                    if let res { v += load16(res + c) }
                    store16(v, row + c)
                    c += 16
                }
                while c < columns.upperBound {
                    row[c] = b[c] + (res?[c] ?? 0)
                    c += 1
                }
            }
        }
    }

    /// Applies the activation in place over a block of the output.
    private func clamp(rows: Range<Int>, columns: Range<Int>, output: UnsafeMutablePointer<Float>) {
        guard activation != .identity else { return }
        let n = outputChannels
        let vectorEnd = columns.lowerBound + columns.count - columns.count % 16
        for r in rows {
            let row = output + r * n
            var c = columns.lowerBound
            while c < vectorEnd {
                store16(activation.apply(load16(row + c)), row + c)
                c += 16
            }
            while c < columns.upperBound {
                row[c] = activation.apply(row[c])
                c += 1
            }
        }
    }
}
