/// A depthwise k×k convolution over one channel-last (H×W×C) image, with its
/// bias (batch norm folded in) and activation fused, vectorised 16 channels
/// at a time with TF 'SAME' padding.
///
/// Depthwise layers are a small share of the multiply-adds but touch every
/// activation, so they run as direct loops over contiguous channels rather
/// than through im2col and GEMM.
public struct DepthwiseConvolution: SamePaddedConvolution, Sendable {
    public let channels: Int
    public let kernel: Int
    public let stride: Int
    public let activation: Activation
    /// Applied to each input value as it is read: the activation of the layer
    /// before, when that layer left it out. EfficientNet's expansions hand their
    /// ReLU6 on to the depthwise layer this way, which spares a pass over the
    /// largest activations of the network (ReLU6 twice is ReLU6 once, so an
    /// input that already had it is unchanged).
    public let inputActivation: Activation
    /// `weights[(ky * kernel + kx) * channels + c]`.
    public let weights: [Float]
    public let bias: [Float]

    public init(channels: Int, kernel: Int, stride: Int, weights: [Float], bias: [Float], activation: Activation,
                inputActivation: Activation = .identity) {
        precondition(weights.count == kernel * kernel * channels && bias.count == channels,
                     "depthwise weights do not match \(kernel)x\(kernel)x\(channels)")
        self.channels = channels
        self.kernel = kernel
        self.stride = stride
        self.weights = weights
        self.bias = bias
        self.activation = activation
        self.inputActivation = inputActivation
    }

    /// Computes output rows `rows` of one image.
    public func apply(input: UnsafePointer<Float>, height: Int, width: Int,
                      output: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        let outWidth = padding(height: height, width: width).columns.output
        apply(input: input, height: height, width: width, inputTop: 0, inputLeft: 0, inputWidth: width,
              output: output + rows.lowerBound * outWidth * channels, rows: rows, columns: 0..<outWidth,
              outputWidth: outWidth)
    }

    /// Computes the outputs `rows` × `columns` of an image of `height` × `width`
    /// (which sets the padding) from a tile of it: `input` holds pixels from
    /// (`inputTop`, `inputLeft`) on, `inputWidth` per row, and must cover every
    /// in-image pixel those outputs read. `output` receives the region's first
    /// row at its start, `outputWidth` pixels per row. Incremental occlusion
    /// recomputes such regions only.
    public func apply(input: UnsafePointer<Float>, height: Int, width: Int,
                      inputTop: Int, inputLeft: Int, inputWidth: Int,
                      output: UnsafeMutablePointer<Float>, rows: Range<Int>, columns: Range<Int>, outputWidth: Int) {
        let (pr, pc) = padding(height: height, width: width)
        let k = kernel, s = stride
        // Output columns whose k-wide window needs no padding.
        let firstInterior = (pc.before + s - 1) / s
        let interior = firstInterior..<max(firstInterior, (width - k + pc.before) / s + 1)
        let middle = columns.clamped(to: interior)
        // Address of absolute pixel (y, x) of the input tile.
        let input = input - (inputTop * inputWidth + inputLeft) * channels
        // Small maps are mostly edge: a 7×7 map under a 5×5 kernel has 9
        // interior outputs of 49. With 5×5 stride-1 kernels such maps go through
        // a zero-padded copy instead (measured 10-15% faster at 14×14 and 7×7;
        // slower for 3×3 or stride 2, where the copy costs more than it saves,
        // unless the input must be copied anyway: see `apply(…, run:)`).
        let firstInteriorRow = (pr.before + s - 1) / s
        let interiorRows = firstInteriorRow..<max(firstInteriorRow, (height - k + pr.before) / s + 1)
        let all = rows.count * columns.count, inner = rows.clamped(to: interiorRows).count * middle.count
        if k == 5 && s == 1 && channels % 8 == 0 && all > 0 && (all - inner) * 4 > all {
            applyPadded(input: input, height: height, width: width, inputWidth: inputWidth, output: output, rows: rows, columns: columns, outputWidth: outputWidth)
            return
        }
        weights.withUnsafeBufferPointer { wb in
            bias.withUnsafeBufferPointer { bb in
                let w = wb.baseAddress!, b = bb.baseAddress!
                for oy in rows {
                    let iy0 = oy * s - pr.before
                    let outRow = output + ((oy - rows.lowerBound) * outputWidth - columns.lowerBound) * channels
                    if iy0 >= 0 && iy0 + k <= height && channels % 8 == 0 && !middle.isEmpty,
                       applyInterior(input: input, inputWidth: inputWidth, firstInputRow: iy0,
                                     firstInputColumn: { $0 * s - pc.before },
                                     output: outRow + middle.lowerBound * channels, columns: middle, weights: w, bias: b) {
                        applyEdges(input: input, height: height, width: width, inputWidth: inputWidth, padding: (pr, pc),
                                   outputRow: outRow, row: oy, columns: columns.lowerBound..<middle.lowerBound, weights: w, bias: b)
                        applyEdges(input: input, height: height, width: width, inputWidth: inputWidth, padding: (pr, pc),
                                   outputRow: outRow, row: oy, columns: middle.upperBound..<columns.upperBound, weights: w, bias: b)
                    } else {
                        applyEdges(input: input, height: height, width: width, inputWidth: inputWidth, padding: (pr, pc),
                                   outputRow: outRow, row: oy, columns: columns, weights: w, bias: b)
                    }
                }
            }
        }
    }

    /// Computes outputs `rows` × `columns` from a copy of the input they read,
    /// zero where it is padding, so the specialised loop takes every output.
    /// `input` addresses absolute pixels.
    private func applyPadded(input: UnsafePointer<Float>, height: Int, width: Int, inputWidth: Int,
                             output: UnsafeMutablePointer<Float>, rows: Range<Int>, columns: Range<Int>, outputWidth: Int) {
        let c = channels
        apply(height: height, width: width, output: output, rows: rows, columns: columns, outputWidth: outputWidth) { y, run in
            (input + (y * inputWidth + run.lowerBound) * c, run.count)
        }
    }

    /// Computes the outputs `rows` × `columns` of an image of `height` × `width`
    /// whose pixels need not lie in one array: `run(y, columns)` gives the
    /// address of in-image row `y`'s first pixel in `columns` and how many of
    /// the following pixels (at most `columns.count`) are contiguous there; it
    /// is asked again for the rest. The pixels are copied once into a
    /// zero-padded band (applying `inputActivation`), and the specialised loop
    /// takes every output. Incremental occlusion reads most pixels from a
    /// record and the changed ones from elsewhere: this spares it a gathered
    /// copy of each tile before this one.
    public func apply(height: Int, width: Int, output: UnsafeMutablePointer<Float>, rows: Range<Int>,
                      columns: Range<Int>, outputWidth: Int,
                      run: (_ y: Int, _ columns: Range<Int>) -> (UnsafePointer<Float>, count: Int)) {
        guard !rows.isEmpty && !columns.isEmpty else { return }
        let (pr, pc) = padding(height: height, width: width)
        let c = channels, k = kernel, s = stride
        precondition(hasBandLoop, "the padded depthwise loop takes 3x3 or 5x5 kernels, stride 1 or 2, channels 8 at a time")
        let top = rows.lowerBound * s - pr.before, left = columns.lowerBound * s - pc.before
        let bandHeight = (rows.count - 1) * s + k, bandWidth = (columns.count - 1) * s + k
        let band = UnsafeMutablePointer<Float>.allocate(capacity: bandHeight * bandWidth * c)
        defer { band.deallocate() }
        let inside = max(0, left)..<min(width, left + bandWidth)
        for i in 0..<bandHeight {
            let y = top + i, row = band + i * bandWidth * c
            guard y >= 0 && y < height && !inside.isEmpty else {
                row.initialize(repeating: 0, count: bandWidth * c)
                continue
            }
            let before = inside.lowerBound - left, after = left + bandWidth - inside.upperBound
            row.initialize(repeating: 0, count: before * c)
            var x = inside.lowerBound
            while x < inside.upperBound {
                let (source, count) = run(y, x..<inside.upperBound)
                precondition(count >= 1 && count <= inside.upperBound - x, "a run must cover 1 to the asked columns' count of pixels")
                copyActivated(from: source, to: row + (before + x - inside.lowerBound) * c, count: count * c)
                x += count
            }
            (row + (before + inside.count) * c).initialize(repeating: 0, count: after * c)
        }
        weights.withUnsafeBufferPointer { wb in
            bias.withUnsafeBufferPointer { bb in
                for i in 0..<rows.count {
                    bandRow(band: UnsafePointer(band), bandWidth: bandWidth, row: i, columns: columns.count,
                            output: output + i * outputWidth * c, weights: wb.baseAddress!, bias: bb.baseAddress!)
                }
            }
        }
    }

    /// Copies `count` floats, applying `inputActivation` once here rather than
    /// at each of the k² taps that read a value. `target` may be `source`.
    private func copyActivated(from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        guard inputActivation != .identity else {
            if source != UnsafePointer(target) { target.update(from: source, count: count) }
            return
        }
        var i = 0
        while i + 8 <= count {
            store8(inputActivation.apply(load8(source + i)), target + i)
            i += 8
        }
        while i < count {
            target[i] = inputActivation.apply(source[i])
            i += 1
        }
    }

    /// Output pixels of row `row` at `columns`, any of whose taps may fall in the
    /// padding (and any kernel shape): the general loop, 16 channels at a time.
    /// `input` addresses absolute pixels; `outputRow` addresses absolute columns.
    private func applyEdges(input: UnsafePointer<Float>, height: Int, width: Int, inputWidth: Int,
                            padding: (rows: SamePadding, columns: SamePadding),
                            outputRow outRow: UnsafeMutablePointer<Float>, row oy: Int, columns: Range<Int>,
                            weights w: UnsafePointer<Float>, bias b: UnsafePointer<Float>) {
        guard !columns.isEmpty else { return }
        let (pr, pc) = padding
        let c = channels, k = kernel, s = stride
        let vectorEnd = c - c % 16
        let firstInterior = (pc.before + s - 1) / s
        let interior = firstInterior..<max(firstInterior, (width - k + pc.before) / s + 1)
        let iy0 = oy * s - pr.before
        let kyLo = max(0, -iy0), kyHi = min(k, height - iy0)
        var cb = 0
        while cb < vectorEnd {
            let bv = load16(b + cb)
            var ox = columns.lowerBound
            while ox < columns.upperBound {
                let ix0 = ox * s - pc.before
                if ox >= interior.lowerBound && ox + 3 < interior.upperBound && ox + 3 < columns.upperBound {
                    // Four neighbouring outputs whose windows lie inside the
                    // row share each weight load.
                    var a0 = bv, a1 = bv, a2 = bv, a3 = bv
                    for ky in kyLo..<kyHi {
                        let inp = input + ((iy0 + ky) * inputWidth + ix0) * c + cb
                        let wp = w + ky * k * c + cb
                        for kx in 0..<k {
                            let wv = load16(wp + kx * c)
                            let x = inp + kx * c
                            a0.addProduct(inputActivation.apply(load16(x)), wv)
                            a1.addProduct(inputActivation.apply(load16(x + s * c)), wv)
                            a2.addProduct(inputActivation.apply(load16(x + 2 * s * c)), wv)
                            a3.addProduct(inputActivation.apply(load16(x + 3 * s * c)), wv)
                        }
                    }
                    let o = outRow + ox * c + cb
                    store16(activation.apply(a0), o)
                    store16(activation.apply(a1), o + c)
                    store16(activation.apply(a2), o + 2 * c)
                    store16(activation.apply(a3), o + 3 * c)
                    ox += 4
                    continue
                }
                let kxLo = max(0, -ix0), kxHi = min(k, width - ix0)
                var acc = bv
                for ky in kyLo..<kyHi {
                    let inp = input + ((iy0 + ky) * inputWidth + ix0) * c + cb
                    let wp = w + ky * k * c + cb
                    for kx in kxLo..<kxHi {
                        acc.addProduct(inputActivation.apply(load16(inp + kx * c)), load16(wp + kx * c))
                    }
                }
                store16(activation.apply(acc), outRow + ox * c + cb)
                ox += 1
            }
            cb += 16
        }
        // Channels past the last multiple of 16 (none in EfficientNet-Lite0).
        for ch in vectorEnd..<c {
            for ox in columns {
                let ix0 = ox * s - pc.before
                let kxLo = max(0, -ix0), kxHi = min(k, width - ix0)
                var acc = b[ch]
                for ky in kyLo..<kyHi {
                    for kx in kxLo..<kxHi {
                        acc += inputActivation.apply(input[((iy0 + ky) * inputWidth + ix0 + kx) * c + ch]) * w[(ky * k + kx) * c + ch]
                    }
                }
                outRow[ox * c + ch] = activation.apply(acc)
            }
        }
    }
}

extension SIMD16 where Scalar == Float {
    @inline(__always) @usableFromInline
    mutating func addProduct(_ a: Self, _ b: Self) {
        self = self.addingProduct(a, b)
    }
}
