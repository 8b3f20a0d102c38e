/// Pillow-compatible bilinear resizing.
///
/// The reference embeddings were computed on images resized by Pillow's
/// `Image.resize(..., BILINEAR)`: a triangle filter whose support widens with
/// the downscale factor (so it antialiases), applied horizontally then
/// vertically in 22-bit fixed point, with the intermediate rounded to 8 bits.
/// This reproduces that arithmetic step for step, so the pixels match exactly.
public enum Resampling {
    private static let precisionBits = 32 - 8 - 2

    /// One output sample's taps: the first input index and fixed-point weights.
    struct Taps {
        var first: [Int32]
        var count: [Int32]
        var weights: [Int32]   // `stride` per output sample
        var stride: Int
    }

    /// Pillow's `precompute_coeffs` and `normalize_coeffs_8bpc` for the triangle filter.
    static func taps(inputSize: Int, outputSize: Int) -> Taps {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1.0)
        let support = 1.0 * filterScale
        let stride = Int(support.rounded(.up)) * 2 + 1
        var first = [Int32](repeating: 0, count: outputSize)
        var count = [Int32](repeating: 0, count: outputSize)
        var weights = [Int32](repeating: 0, count: outputSize * stride)
        var k = [Double](repeating: 0, count: stride)
        for xx in 0..<outputSize {
            let center = (Double(xx) + 0.5) * scale
            let inverse = 1.0 / filterScale
            let xmin = max(Int(center - support + 0.5), 0)
            let xmax = min(Int(center + support + 0.5), inputSize) - xmin
            var total = 0.0
            for x in 0..<xmax {
                let t = abs((Double(x + xmin) - center + 0.5) * inverse)
                let w = t < 1.0 ? 1.0 - t : 0.0
                k[x] = w
                total += w
            }
            for x in 0..<xmax {
                let w = total != 0 ? k[x] / total : k[x]
                let fixed = w * Double(1 << precisionBits)
                weights[xx * stride + x] = Int32(w < 0 ? -0.5 + fixed : 0.5 + fixed)
            }
            first[xx] = Int32(xmin)
            count[xx] = Int32(xmax)
        }
        return Taps(first: first, count: count, weights: weights, stride: stride)
    }

    @inline(__always)
    private static func clip8(_ value: Int32) -> UInt8 {
        let v = value >> Int32(precisionBits)
        return v < 0 ? 0 : (v > 255 ? 255 : UInt8(v))
    }

    /// `image` resized to `width`x`height` with Pillow's BILINEAR filter.
    public static func bilinear(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "resize to an empty image")
        if width == image.width && height == image.height { return image }
        let vertical = taps(inputSize: image.height, outputSize: height)
        var source = image
        var firstRow = 0
        if width != image.width {
            // Only the rows the vertical pass reads, as Pillow does.
            firstRow = Int(vertical.first[0])
            let lastRow = Int(vertical.first[height - 1] + vertical.count[height - 1])
            source = horizontal(image, width: width, rows: firstRow..<lastRow)
        }
        if height == image.height && firstRow == 0 && source.height == image.height { return source }
        return verticalPass(source, height: height, taps: vertical, rowOffset: firstRow)
    }

    private static func horizontal(_ image: RGBImage, width: Int, rows: Range<Int>) -> RGBImage {
        let t = taps(inputSize: image.width, outputSize: width)
        var out = [UInt8](repeating: 0, count: width * rows.count * 3)
        let half = Int32(1 << (precisionBits - 1))
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                t.weights.withUnsafeBufferPointer { w in
                    for (r, y) in rows.enumerated() {
                        let row = y * image.width * 3
                        for xx in 0..<width {
                            var s0 = half, s1 = half, s2 = half
                            let base = row + Int(t.first[xx]) * 3
                            let wk = xx * t.stride
                            for x in 0..<Int(t.count[xx]) {
                                let k = w[wk + x]
                                s0 &+= Int32(src[base + 3 * x]) &* k
                                s1 &+= Int32(src[base + 3 * x + 1]) &* k
                                s2 &+= Int32(src[base + 3 * x + 2]) &* k
                            }
                            let d = (r * width + xx) * 3
                            dst[d] = clip8(s0); dst[d + 1] = clip8(s1); dst[d + 2] = clip8(s2)
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: rows.count, pixels: out)
    }

    private static func verticalPass(_ image: RGBImage, height: Int, taps t: Taps, rowOffset: Int) -> RGBImage {
        let width = image.width
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let half = Int32(1 << (precisionBits - 1))
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                t.weights.withUnsafeBufferPointer { w in
                    var acc = [Int32](repeating: 0, count: width * 3)
                    for yy in 0..<height {
                        for i in 0..<acc.count { acc[i] = half }
                        let y0 = Int(t.first[yy]) - rowOffset
                        for y in 0..<Int(t.count[yy]) {
                            let k = w[yy * t.stride + y]
                            let row = (y0 + y) * width * 3
                            for i in 0..<(width * 3) { acc[i] &+= Int32(src[row + i]) &* k }
                        }
                        let d = yy * width * 3
                        for i in 0..<(width * 3) { dst[d + i] = clip8(acc[i]) }
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}

extension RGBImage {
    /// Resized so the shorter side is `shorterSide` and the other keeps the
    /// aspect ratio, rounded half to even as Python's `round` does.
    public func resized(shorterSide: Int) -> RGBImage {
        let short = min(width, height), long = max(width, height)
        let scaled = Int((Double(long) * Double(shorterSide) / Double(short)).rounded(.toNearestOrEven))
        let (w, h) = width <= height ? (shorterSide, scaled) : (scaled, shorterSide)
        return Resampling.bilinear(self, width: w, height: h)
    }
}
