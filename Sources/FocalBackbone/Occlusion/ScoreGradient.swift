import FocalNumerics

/// The gradient of a linear score of the embedding (w·embedding + b) with
/// respect to the unoccluded image's activations, layer by layer from the head
/// down to the input of block `lowest`.
///
/// Approximate occlusion leaves out the changes too small to recompute (see
/// `Incremental.changeThreshold`). One at a time they are nothing, but summed
/// over the many positions a patch reaches they move the score; the gradient
/// puts them back to first order, at the cost of a dot product each.
struct ScoreGradient {
    /// ∂score/∂(input of block b), for b in `lowest`...16 (16: the head's input); empty below.
    var blockInputs: [[Float]]
    /// ∂score/∂(block b's depthwise output, after its ReLU6), for b in `lowest`..<16; empty below.
    var depthwise: [[Float]]

    init(network: EfficientNetLite0, record: Incremental.Record, score: LinearScore, lowest: Int) {
        let w = score.weights.map { Float($0) }
        let sides = EfficientNetLite0.inputSides
        let hc = Architecture.headChannels, last = sides[16] * sides[16]
        blockInputs = [[Float]](repeating: [], count: 17)
        depthwise = [[Float]](repeating: [], count: 16)
        // Head: the pooled mean of ReLU6(H·x + b); ReLU6 passes the gradient where it did not clamp.
        var g = [Float](repeating: 0, count: last * hc)
        for q in 0..<last {
            for c in 0..<hc where record.headOutput[q * hc + c] > 0 && record.headOutput[q * hc + c] < 6 {
                g[q * hc + c] = w[c] / Float(last)
            }
        }
        blockInputs[16] = Self.backThrough(network.head, g, rows: last)
        for block in network.blocks[lowest...].reversed() {
            let spec = block.spec, b = spec.index, e = spec.expandedChannels
            let side = sides[b], outSide = sides[b + 1]
            let out = blockInputs[b + 1]
            // Project (linear), then the depthwise ReLU6.
            let dwGradient = Self.backThrough(block.project, out, rows: outSide * outSide)
            depthwise[b] = dwGradient
            var pre = dwGradient
            let recorded = record.depthwise[b]
            for i in pre.indices where !(recorded[i] > 0 && recorded[i] < 6) { pre[i] = 0 }
            // The depthwise convolution, transposed: each input gathers what its outputs read from it.
            let k = spec.kernel, s = spec.stride
            let padding = SamePadding(input: side, kernel: k, stride: s)
            var input = [Float](repeating: 0, count: side * side * e)
            let weights = block.depthwise.weights
            for oy in 0..<outSide {
                for ox in 0..<outSide {
                    let o = (oy * outSide + ox) * e
                    for ky in 0..<k {
                        let iy = oy * s - padding.before + ky
                        guard iy >= 0 && iy < side else { continue }
                        for kx in 0..<k {
                            let ix = ox * s - padding.before + kx
                            guard ix >= 0 && ix < side else { continue }
                            let i = (iy * side + ix) * e, t = (ky * k + kx) * e
                            for c in 0..<e { input[i + c] += weights[t + c] * pre[o + c] }
                        }
                    }
                }
            }
            // The expansion's ReLU6, applied as the depthwise layer reads, then the expansion.
            let expanded = record.expanded[b]
            for i in input.indices where !(expanded[i] > 0 && expanded[i] < 6) { input[i] = 0 }
            var g = block.expand.map { Self.backThrough($0, input, rows: side * side) } ?? input
            if spec.hasResidual { for i in g.indices { g[i] += out[i] } }
            blockInputs[b] = g
        }
    }

    /// The gradient at a 1×1 convolution's input from the one at its output
    /// (after any activation has been accounted for): rows × out times out × in.
    static func backThrough(_ convolution: PointwiseConvolution, _ gradient: [Float], rows: Int) -> [Float] {
        var input = [Float](repeating: 0, count: rows * convolution.inputChannels)
        gradient.withUnsafeBufferPointer { g in
            convolution.weights.withUnsafeBufferPointer { w in
                input.withUnsafeMutableBufferPointer { out in
                    BLAS.gemm(m: rows, n: convolution.inputChannels, k: convolution.outputChannels,
                              a: g.baseAddress!, lda: convolution.outputChannels,
                              b: w.baseAddress!, ldb: convolution.inputChannels, c: out.baseAddress!, ldc: convolution.inputChannels)
                }
            }
        }
        return input
    }
}
