/// The depthwise loop for the bulk of an image: output pixels whose whole k×k
/// window lies inside the input, with the kernel size and stride known at
/// compile time.
///
/// With `k` and `s` constants the tap loops unroll completely, so the input
/// pixels that four neighbouring outputs share are loaded once and kept in
/// registers (a 3×3 stride-1 row of four outputs loads 6 pixels instead of 12).
/// Eight channels at a time keep four accumulators, the shared inputs and a
/// weight inside AVX2's sixteen vector registers (sixteen channels, two
/// registers each, measured no faster).
extension DepthwiseConvolution {
    /// Computes outputs `columns` of output row `oy` for channels `0..<channels`
    /// when every tap is inside the image; `columns` must be interior. Returns
    /// false (doing nothing) for kernel shapes without a specialised loop.
    @inline(__always)
    func applyInterior(input: UnsafePointer<Float>, inputWidth: Int, firstInputRow: Int, firstInputColumn: (Int) -> Int,
                       output: UnsafeMutablePointer<Float>, columns: Range<Int>,
                       weights w: UnsafePointer<Float>, bias b: UnsafePointer<Float>) -> Bool {
        let ix0 = firstInputColumn(columns.lowerBound), n = columns.count
        @inline(__always) func run(clamp: Bool) -> Bool {
            // The network's shapes with the channel count fixed too, so every tap's
            // address is a constant displacement instead of a register (or a spill):
            // measured 8% less depthwise time per image (`focal-benchmark kernels`).
            switch (kernel, stride, channels) {
            case (3, 1, 32): interiorRow(3, 1, 32, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (3, 2, 96): interiorRow(3, 2, 96, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (3, 1, 144): interiorRow(3, 1, 144, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (5, 2, 144): interiorRow(5, 2, 144, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (5, 1, 240): interiorRow(5, 1, 240, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (3, 2, 240): interiorRow(3, 2, 240, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (3, 1, 480): interiorRow(3, 1, 480, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (5, 1, 480): interiorRow(5, 1, 480, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (5, 1, 672): interiorRow(5, 1, 672, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (5, 2, 672): interiorRow(5, 2, 672, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (5, 1, 1152): interiorRow(5, 1, 1152, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (3, 1, 1152): interiorRow(3, 1, 1152, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (3, 1, _): interiorRow(3, 1, channels, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (3, 2, _): interiorRow(3, 2, channels, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (5, 1, _): interiorRow(5, 1, channels, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            case (5, 2, _): interiorRow(5, 2, channels, clamp, input, inputWidth, firstInputRow, ix0, output, n, w, b)
            default: return false
            }
            return true
        }
        return inputActivation == .relu6 ? run(clamp: true) : run(clamp: false)
    }

    /// `count` outputs written from `output` on, the first reading input
    /// pixel (`iy0`, `ix0`) as its top-left tap.
    @inline(__always)
    private func interiorRow(_ k: Int, _ s: Int, _ c: Int, _ clamp: Bool, _ input: UnsafePointer<Float>, _ inputWidth: Int, _ iy0: Int, _ ix0: Int,
                             _ output: UnsafeMutablePointer<Float>, _ count: Int,
                             _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>) {
        let rowStride = inputWidth * c
        let inputActivation = self.inputActivation
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> Float8Lanes {
            clamp ? inputActivation.apply(load8(p)) : load8(p)
        }
        // Outputs outer, channels inner: the k rows × (3s + k) pixels that four
        // outputs read stay in L1 while every channel block passes over them
        // (channels outer would stream k whole input rows once per block).
        var ox = 0
        var x0 = input + (iy0 * inputWidth + ix0) * c
        var o = output
        // `m` (1 to 4) neighbouring outputs, a constant at each call below, so
        // the tests on it fold away. Rows whose length is not a multiple of 4
        // end in 1 to 3: one at a time, each tap would load a weight for a
        // single multiply-add (measured 7% less depthwise time in approximate
        // occlusion, when its band still used this loop; see `DepthwiseBand`).
        @inline(__always) func outputs(_ m: Int) {
            var cb = 0
            while cb < c {
                let bv = load8(b + cb)
                var a0 = bv, a1 = bv, a2 = bv, a3 = bv
                for ky in 0..<k {
                    let x = x0 + ky * rowStride + cb
                    let wp = w + ky * k * c + cb
                    for kx in 0..<k {
                        let wv = load8(wp + kx * c)
                        a0 = a0.addingProduct(load(x + kx * c), wv)
                        if m > 1 { a1 = a1.addingProduct(load(x + (s + kx) * c), wv) }
                        if m > 2 { a2 = a2.addingProduct(load(x + (2 * s + kx) * c), wv) }
                        if m > 3 { a3 = a3.addingProduct(load(x + (3 * s + kx) * c), wv) }
                    }
                }
                store8(activation.apply(a0), o + cb)
                if m > 1 { store8(activation.apply(a1), o + c + cb) }
                if m > 2 { store8(activation.apply(a2), o + 2 * c + cb) }
                if m > 3 { store8(activation.apply(a3), o + 3 * c + cb) }
                cb += 8
            }
            ox += m
            x0 += m * s * c
            o += m * c
        }
        while ox + 4 <= count { outputs(4) }
        switch count - ox {
        case 3: outputs(3)
        case 2: outputs(2)
        case 1: outputs(1)
        default: break
        }
    }
}
