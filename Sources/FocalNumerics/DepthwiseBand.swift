/// The depthwise loop over a zero-padded band: up to eight outputs of a row
/// at a time.
///
/// Four outputs at a time (`DepthwiseInterior`) give four chains of dependent
/// multiply-adds, too few to keep both FMA units busy; with eight, each
/// weight is also loaded once for twice the outputs. The kernel, stride and
/// number of outputs are generic parameters, so that each specialisation has
/// them as constants: its tap loops unroll and the tests on the count fold
/// away. (Eight accumulators added to `DepthwiseInterior`'s loop instead, as
/// plain arguments, halved its speed: the compiler stopped inlining it.)
///
/// Measured (`focal-benchmark kernels`, one thread): a 14×14×672 5×5 layer
/// 120 → 92 µs, 14×14×480 85 → 66 µs, 7×7×1152 52 → 47 µs; approximate
/// occlusion on the benchmark's five images 3.8% faster (best of 20 each).
extension DepthwiseConvolution {
    /// Outputs `0..<columns` of band row `i` (the band `bandWidth` pixels wide,
    /// already activated), to `output` (one pixel after another, `channels` each).
    @inline(__always)
    func bandRow(band: UnsafePointer<Float>, bandWidth: Int, row i: Int, columns: Int, output: UnsafeMutablePointer<Float>,
                 weights w: UnsafePointer<Float>, bias b: UnsafePointer<Float>) {
        switch (kernel, stride) {
        case (3, 1): bandRow(BandShape3x3Stride1.self, band, bandWidth, i, columns, output, w, b)
        case (3, 2): bandRow(BandShape3x3Stride2.self, band, bandWidth, i, columns, output, w, b)
        case (5, 1): bandRow(BandShape5x5Stride1.self, band, bandWidth, i, columns, output, w, b)
        default: bandRow(BandShape5x5Stride2.self, band, bandWidth, i, columns, output, w, b)
        }
    }

    /// Whether `bandRow` has a loop for this kernel shape.
    var hasBandLoop: Bool { (kernel == 3 || kernel == 5) && (stride == 1 || stride == 2) && channels % 8 == 0 }

    private func bandRow<Shape: BandShape>(_ shape: Shape.Type, _ band: UnsafePointer<Float>, _ bandWidth: Int, _ i: Int,
                                           _ columns: Int, _ output: UnsafeMutablePointer<Float>,
                                           _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>) {
        var ox = 0
        while ox + 8 <= columns { outputs(Shape.self, Eight.self, band, bandWidth, i, ox, output, w, b); ox += 8 }
        switch columns - ox {
        case 7: outputs(Shape.self, Seven.self, band, bandWidth, i, ox, output, w, b)
        case 6: outputs(Shape.self, Six.self, band, bandWidth, i, ox, output, w, b)
        case 5: outputs(Shape.self, Five.self, band, bandWidth, i, ox, output, w, b)
        case 4: outputs(Shape.self, Four.self, band, bandWidth, i, ox, output, w, b)
        case 3: outputs(Shape.self, Three.self, band, bandWidth, i, ox, output, w, b)
        case 2: outputs(Shape.self, Two.self, band, bandWidth, i, ox, output, w, b)
        case 1: outputs(Shape.self, One.self, band, bandWidth, i, ox, output, w, b)
        default: break
        }
    }

    /// `Count.value` outputs of band row `i` from output column `first` on, every channel.
    private func outputs<Shape: BandShape, Count: OutputCount>(_ shape: Shape.Type, _ count: Count.Type,
                                                               _ band: UnsafePointer<Float>, _ bandWidth: Int, _ i: Int, _ first: Int,
                                                               _ output: UnsafeMutablePointer<Float>,
                                                               _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>) {
        let k = Shape.kernel, s = Shape.stride, m = Count.value, c = channels
        let rowStride = bandWidth * c
        let x0 = band + (i * s * bandWidth + first * s) * c
        let o = output + first * c
        let activation = self.activation
        var cb = 0
        while cb < c {
            let bv = load8(b + cb)
            var a0 = bv, a1 = bv, a2 = bv, a3 = bv, a4 = bv, a5 = bv, a6 = bv, a7 = bv
            for ky in 0..<k {
                let x = x0 + ky * rowStride + cb
                let wp = w + ky * k * c + cb
                for kx in 0..<k {
                    let wv = load8(wp + kx * c), p = x + kx * c
                    a0 = a0.addingProduct(load8(p), wv)
                    if m > 1 { a1 = a1.addingProduct(load8(p + s * c), wv) }
                    if m > 2 { a2 = a2.addingProduct(load8(p + 2 * s * c), wv) }
                    if m > 3 { a3 = a3.addingProduct(load8(p + 3 * s * c), wv) }
                    if m > 4 { a4 = a4.addingProduct(load8(p + 4 * s * c), wv) }
                    if m > 5 { a5 = a5.addingProduct(load8(p + 5 * s * c), wv) }
                    if m > 6 { a6 = a6.addingProduct(load8(p + 6 * s * c), wv) }
                    if m > 7 { a7 = a7.addingProduct(load8(p + 7 * s * c), wv) }
                }
            }
            store8(activation.apply(a0), o + cb)
            if m > 1 { store8(activation.apply(a1), o + c + cb) }
            if m > 2 { store8(activation.apply(a2), o + 2 * c + cb) }
            if m > 3 { store8(activation.apply(a3), o + 3 * c + cb) }
            if m > 4 { store8(activation.apply(a4), o + 4 * c + cb) }
            if m > 5 { store8(activation.apply(a5), o + 5 * c + cb) }
            if m > 6 { store8(activation.apply(a6), o + 6 * c + cb) }
            if m > 7 { store8(activation.apply(a7), o + 7 * c + cb) }
            cb += 8
        }
    }
}

/// A depthwise kernel size and stride known at compile time.
protocol BandShape {
    static var kernel: Int { get }
    static var stride: Int { get }
}
enum BandShape3x3Stride1: BandShape { static var kernel: Int { 3 }; static var stride: Int { 1 } }
enum BandShape3x3Stride2: BandShape { static var kernel: Int { 3 }; static var stride: Int { 2 } }
enum BandShape5x5Stride1: BandShape { static var kernel: Int { 5 }; static var stride: Int { 1 } }
enum BandShape5x5Stride2: BandShape { static var kernel: Int { 5 }; static var stride: Int { 2 } }

/// A number of neighbouring outputs known at compile time.
protocol OutputCount { static var value: Int { get } }
enum One: OutputCount { static var value: Int { 1 } }
enum Two: OutputCount { static var value: Int { 2 } }
enum Three: OutputCount { static var value: Int { 3 } }
enum Four: OutputCount { static var value: Int { 4 } }
enum Five: OutputCount { static var value: Int { 5 } }
enum Six: OutputCount { static var value: Int { 6 } }
enum Seven: OutputCount { static var value: Int { 7 } }
enum Eight: OutputCount { static var value: Int { 8 } }
