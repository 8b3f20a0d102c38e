/// A full k×k convolution over a channel-last image with few input channels,
/// as direct loops, with its bias and activation fused and TF 'SAME' padding.
///
/// For the stem (3×3, stride 2, 3 → 32 channels): as im2col and a GEMM its
/// inner dimension is only 27, too short for the GEMM to run well, and the
/// unfolded matrix is nine times the image.
public struct FullConvolution: SamePaddedConvolution, Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernel: Int
    public let stride: Int
    public let activation: Activation
    /// `weights[((ky * kernel + kx) * inputChannels + ci) * outputChannels + o]`.
    public let weights: [Float]
    public let bias: [Float]

    public init(inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int,
                weights: [Float], bias: [Float], activation: Activation) {
        precondition(outputChannels % 16 == 0, "output channels must be a multiple of 16")
        precondition(weights.count == kernel * kernel * inputChannels * outputChannels && bias.count == outputChannels,
                     "convolution weights do not match \(kernel)x\(kernel)x\(inputChannels)x\(outputChannels)")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.stride = stride
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    /// Computes output rows `rows` of one image; `output` addresses output row 0.
    public func apply(input: UnsafePointer<Float>, height: Int, width: Int,
                      output: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        let (pr, pc) = padding(height: height, width: width)
        let k = kernel, s = stride, ci = inputChannels, co = outputChannels
        weights.withUnsafeBufferPointer { wb in
            bias.withUnsafeBufferPointer { bb in
                let w = wb.baseAddress!, b = bb.baseAddress!
                // Columns whose window lies inside the image.
                let firstInterior = (pc.before + s - 1) / s
                let interior = firstInterior..<max(firstInterior, (width - k + pc.before) / s + 1)
                for oy in rows {
                    let iy0 = oy * s - pr.before
                    if k == 3 && s == 2 && ci == 3 && co == 32 && iy0 >= 0 && iy0 + k <= height && !interior.isEmpty {
                        applyEdge(input, height, width, oy, 0..<interior.lowerBound, (pr, pc), output, w, b)
                        stemRow(input + (iy0 * width + interior.lowerBound * s - pc.before) * ci, width: width,
                                output: output + (oy * pc.output + interior.lowerBound) * co, count: interior.count, w, b)
                        applyEdge(input, height, width, oy, interior.upperBound..<pc.output, (pr, pc), output, w, b)
                    } else {
                        applyEdge(input, height, width, oy, 0..<pc.output, (pr, pc), output, w, b)
                    }
                }
            }
        }
    }

    /// The stem's shape (3×3, stride 2, 3 → 32) along one row of outputs
    /// whose windows lie inside the image, two outputs at a time: with the
    /// shape fixed the 27 taps unroll and each weight load serves both.
    @inline(__always)
    private func stemRow(_ x: UnsafePointer<Float>, width: Int, output: UnsafeMutablePointer<Float>, count: Int,
                         _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>) {
        let rowStride = width * 3
        let b0 = load16(b), b1 = load16(b + 16)
        var ox = 0
        while ox + 2 <= count {
            let p = x + ox * 6
            var a0 = b0, a1 = b1, c0 = b0, c1 = b1
            for ky in 0..<3 {
                for t in 0..<9 {   // (kx, channel) pairs along the input row
                    let wt = w + (ky * 9 + t) * 32
                    let w0 = load16(wt), w1 = load16(wt + 16)
                    let u = Float16Lanes(repeating: p[ky * rowStride + t])
                    let v = Float16Lanes(repeating: p[ky * rowStride + t + 6])
                    a0 = a0.addingProduct(u, w0); a1 = a1.addingProduct(u, w1)
                    c0 = c0.addingProduct(v, w0); c1 = c1.addingProduct(v, w1)
                }
            }
            let o = output + ox * 32
            store16(activation.apply(a0), o); store16(activation.apply(a1), o + 16)
            store16(activation.apply(c0), o + 32); store16(activation.apply(c1), o + 48)
            ox += 2
        }
        if ox < count {
            let p = x + ox * 6
            var a0 = b0, a1 = b1
            for ky in 0..<3 {
                for t in 0..<9 {
                    let wt = w + (ky * 9 + t) * 32
                    let u = Float16Lanes(repeating: p[ky * rowStride + t])
                    a0 = a0.addingProduct(u, load16(wt)); a1 = a1.addingProduct(u, load16(wt + 16))
                }
            }
            store16(activation.apply(a0), output + ox * 32); store16(activation.apply(a1), output + ox * 32 + 16)
        }
    }

    /// Outputs `columns` of row `oy`, any shape, taps in the padding skipped.
    private func applyEdge(_ input: UnsafePointer<Float>, _ height: Int, _ width: Int, _ oy: Int, _ columns: Range<Int>,
                           _ padding: (rows: SamePadding, columns: SamePadding), _ output: UnsafeMutablePointer<Float>,
                           _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>) {
        let (pr, pc) = padding
        let k = kernel, s = stride, ci = inputChannels, co = outputChannels
        let iy0 = oy * s - pr.before
        let kyLo = max(0, -iy0), kyHi = min(k, height - iy0)
        for ox in columns {
            let ix0 = ox * s - pc.before
            let kxLo = max(0, -ix0), kxHi = min(k, width - ix0)
            let out = output + (oy * pc.output + ox) * co
            var ob = 0
            while ob < co {
                var acc = load16(b + ob)
                for ky in kyLo..<kyHi {
                    for kx in kxLo..<kxHi {
                        let x = input + ((iy0 + ky) * width + ix0 + kx) * ci
                        let wt = w + ((ky * k + kx) * ci) * co + ob
                        for c in 0..<ci {
                            acc = acc.addingProduct(Float16Lanes(repeating: x[c]), load16(wt + c * co))
                        }
                    }
                }
                store16(activation.apply(acc), out + ob)
                ob += 16
            }
        }
    }
}
