import FocalBackbone
import FocalNumerics

/// The gradient of a linear score of the embedding (w·embedding + b) with
/// respect to the unoccluded image's activations, layer by layer from the head
/// down to the input of the first thresholded block (`Incremental.thresholdedFrom`).
///
/// Approximate occlusion leaves out the changes too small to recompute (see
/// `Incremental.changeThreshold`). One at a time they are nothing, but summed
/// over the many positions a patch reaches they move the score; the gradient
/// puts them back to first order, at the cost of a dot product each.
struct ScoreGradient {
    /// ∂score/∂(input of block b), for the thresholded blocks and 16 (the head's input); empty below.
    var blockInputs: [[Float]]
    /// ∂score/∂(block b's depthwise output, after its ReLU6), for the thresholded blocks; empty below.
    var depthwise: [[Float]]

    /// Two workers, each GEMM split by its output's columns: the backward
    /// pass is of one image, so its GEMMs have only 49 to 784 rows, and split
    /// by rows each worker packed all of the weights (10.7 ms a pass on two
    /// workers against 9.0 ms on one). By columns: 6.6-6.9 ms against 8.2 ms
    /// on one (`focal-benchmark occlusion`, the first five scenes, after `passed`
    /// was vectorised).
    static let workers = 2

    init(network: EfficientNetLite0, record: Incremental.Record, score: LinearScore) {
        let w = score.weights.map { Float($0) }
        let sides = EfficientNetLite0.inputSides
        let hc = Architecture.headChannels, last = sides[16] * sides[16]
        blockInputs = [[Float]](repeating: [], count: 17)
        depthwise = [[Float]](repeating: [], count: 16)
        // Head: the pooled mean of ReLU6(H·x + b); ReLU6 passes the gradient where it did not clamp.
        let pooled = (0..<(last * hc)).map { w[$0 % hc] / Float(last) }
        blockInputs[16] = Self.backThrough(network.head, Self.passed(pooled, by: record.headOutput), rows: last, workers: Self.workers)
        for block in network.blocks[Incremental.thresholdedFrom...].reversed() {
            let spec = block.spec, b = spec.index, e = spec.expandedChannels
            precondition(e % 16 == 0, "the transposed depthwise loop takes channels 16 at a time")
            let side = sides[b], outSide = sides[b + 1]
            let out = blockInputs[b + 1]
            // Project (linear), then the depthwise ReLU6.
            let dwGradient = Self.backThrough(block.project, out, rows: outSide * outSide, workers: Self.workers)
            depthwise[b] = dwGradient
            let pre = Self.passed(dwGradient, by: record.depthwise[b])
            // The depthwise convolution, transposed: each input gathers what its outputs read from it.
            let k = spec.kernel, s = spec.stride
            let padding = SamePadding(input: side, kernel: k, stride: s)
            var input = [Float](repeating: 0, count: side * side * e)
            // Split by channels (between `workers`, when more than one): each input gathers from several outputs.
            input.withUnsafeMutableBufferPointer { input in
                block.depthwise.weights.withUnsafeBufferPointer { weights in
                    pre.withUnsafeBufferPointer { pre in
                        let input = input.baseAddress!, weights = weights.baseAddress!, pre = pre.baseAddress!
                        parallelChunks(e / 16, workers: Self.workers) { part in
                            let first = part.lowerBound * 16, count = part.count * 16
                            for oy in 0..<outSide {
                                for ox in 0..<outSide {
                                    let o = pre + (oy * outSide + ox) * e + first
                                    for ky in 0..<k {
                                        let iy = oy * s - padding.before + ky
                                        guard iy >= 0 && iy < side else { continue }
                                        for kx in 0..<k {
                                            let ix = ox * s - padding.before + kx
                                            guard ix >= 0 && ix < side else { continue }
                                            Self.addProduct(weights + (ky * k + kx) * e + first, o,
                                                            into: input + (iy * side + ix) * e + first, count: count)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // The expansion's ReLU6, applied as the depthwise layer reads, then the expansion.
            input = Self.passed(input, by: record.expanded[b])
            var g = block.expand.map { Self.backThrough($0, input, rows: side * side, workers: Self.workers) } ?? input
            if spec.hasResidual { for i in g.indices { g[i] += out[i] } }
            blockInputs[b] = g
        }
    }

    /// The gradient through ReLU6, given its input or output: passed where it
    /// did not clamp. Vectorised: as a zip and map it was a quarter of the pass.
    static func passed(_ gradient: [Float], by activation: [Float]) -> [Float] {
        precondition(gradient.count == activation.count)
        return [Float](unsafeUninitializedCapacity: gradient.count) { out, initialized in
            gradient.withUnsafeBufferPointer { g in
                activation.withUnsafeBufferPointer { a in
                    let g = g.baseAddress!, a = a.baseAddress!, o = out.baseAddress!
                    let zero = Float16Lanes(), six = Float16Lanes(repeating: 6)
                    var i = 0
                    while i + 16 <= gradient.count {
                        let v = load16(a + i)
                        var r = load16(g + i)
                        r.replace(with: zero, where: .!((v .> zero) .& (v .< six)))
                        store16(r, o + i)
                        i += 16
                    }
                    while i < gradient.count { o[i] = a[i] > 0 && a[i] < 6 ? g[i] : 0; i += 1 }
                }
            }
            initialized = gradient.count
        }
    }

    /// into[c] += a[c] · b[c], 16 lanes at a time (every expanded width is a multiple of 16).
    @inline(__always)
    static func addProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        var c = 0
        while c + 16 <= count {
            store16(load16(out + c) + load16(a + c) * load16(b + c), out + c)
            c += 16
        }
        while c < count { out[c] += a[c] * b[c]; c += 1 }
    }

    /// The gradient at a 1×1 convolution's input from the one at its output
    /// (after any activation has been accounted for): rows × out times out × in,
    /// the input's channels split between `workers`, 8 at a time.
    static func backThrough(_ convolution: PointwiseConvolution, _ gradient: [Float], rows: Int, workers: Int) -> [Float] {
        let n = convolution.inputChannels, k = convolution.outputChannels
        var input = [Float](repeating: 0, count: rows * n)
        gradient.withUnsafeBufferPointer { g in
            convolution.weights.withUnsafeBufferPointer { w in
                input.withUnsafeMutableBufferPointer { out in
                    let g = g.baseAddress!, w = w.baseAddress!, out = out.baseAddress!
                    parallelChunks(n / 8, workers: workers) { part in
                        let lo = part.lowerBound * 8, hi = part.upperBound == n / 8 ? n : part.upperBound * 8
                        BLAS.gemm(m: rows, n: hi - lo, k: k, a: g, lda: k,
                                  b: w + lo, ldb: n, c: out + lo, ldc: n)
                    }
                }
            }
        }
        return input
    }
}
