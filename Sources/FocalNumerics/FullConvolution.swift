/// A full k×k convolution over a channel-last image with few input channels,
/// as direct loops, with its bias and activation fused and TF 'SAME' padding.
///
/// For the stem (3×3, stride 2, 3 → 32 channels): as im2col and a GEMM its
/// inner dimension is only 27, too short for the GEMM to run well, and the
/// unfolded matrix is nine times the image.
public struct FullConvolution: Sendable {
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

    public func padding(height: Int, width: Int) -> (rows: SamePadding, columns: SamePadding) {
        (SamePadding(input: height, kernel: kernel, stride: stride),
         SamePadding(input: width, kernel: kernel, stride: stride))
    }

    /// Computes output rows `rows` of one image; `output` addresses output row 0.
    public func apply(input: UnsafePointer<Float>, height: Int, width: Int,
                      output: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        let (pr, pc) = padding(height: height, width: width)
        let k = kernel, s = stride, ci = inputChannels, co = outputChannels
        weights.withUnsafeBufferPointer { wb in
            bias.withUnsafeBufferPointer { bb in
                let w = wb.baseAddress!, b = bb.baseAddress!
                for oy in rows {
                    let iy0 = oy * s - pr.before
                    let kyLo = max(0, -iy0), kyHi = min(k, height - iy0)
                    for ox in 0..<pc.output {
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
        }
    }
}
