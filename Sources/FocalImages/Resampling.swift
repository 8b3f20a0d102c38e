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
        bilinear(image, width: width, height: height, columns: 0..<width, rows: 0..<height)
    }

    /// Columns `columns` and rows `rows` of `image` resized to `width`x`height`:
    /// the same pixels as cropping the whole resized image, computing only those.
    public static func bilinear(_ image: RGBImage, width: Int, height: Int, columns: Range<Int>, rows: Range<Int>) -> RGBImage {
        precondition(width > 0 && height > 0, "resize to an empty image")
        // Kept inside the output even where release builds drop preconditions.
        let columns = columns.clamped(to: 0..<width), rows = rows.clamped(to: 0..<height)
        guard !columns.isEmpty && !rows.isEmpty else { return RGBImage(width: columns.count, height: rows.count, pixels: []) }
        if width == image.width && height == image.height {
            if columns == 0..<width && rows == 0..<height { return image }
            return image.cropped(x: columns.lowerBound, y: rows.lowerBound, width: columns.count, height: rows.count)
        }
        let vertical = taps(inputSize: image.height, outputSize: height)
        // Only the input rows the vertical pass reads, as Pillow does.
        let (firstRow, lastRow) = height == image.height
            ? (rows.lowerBound, rows.upperBound)
            : (Int(vertical.first[rows.lowerBound]), Int(vertical.first[rows.upperBound - 1] + vertical.count[rows.upperBound - 1]))
        let source = width != image.width
            ? horizontal(image, width: width, columns: columns, rows: firstRow..<lastRow)
            : image.cropped(x: columns.lowerBound, y: firstRow, width: columns.count, height: lastRow - firstRow)
        if height == image.height { return source }
        return verticalPass(source, taps: vertical, rowOffset: firstRow, rows: rows)
    }

    private static func horizontal(_ image: RGBImage, width: Int, columns: Range<Int>, rows: Range<Int>) -> RGBImage {
        let t = taps(inputSize: image.width, outputSize: width)
        let outWidth = columns.count
        var out = [UInt8](repeating: 0, count: outWidth * rows.count * 3)
        let half = Int32(1 << (precisionBits - 1))
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                t.weights.withUnsafeBufferPointer { w in
                    for (r, y) in rows.enumerated() {
                        let row = y * image.width * 3
                        for (c, xx) in columns.enumerated() {
                            var s0 = half, s1 = half, s2 = half
                            let base = row + Int(t.first[xx]) * 3
                            let wk = xx * t.stride
                            for x in 0..<Int(t.count[xx]) {
                                let k = w[wk + x]
                                s0 &+= Int32(src[base + 3 * x]) &* k
                                s1 &+= Int32(src[base + 3 * x + 1]) &* k
                                s2 &+= Int32(src[base + 3 * x + 2]) &* k
                            }
                            let d = (r * outWidth + c) * 3
                            dst[d] = clip8(s0); dst[d + 1] = clip8(s1); dst[d + 2] = clip8(s2)
                        }
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: rows.count, pixels: out)
    }

    /// Output rows `rows` of the vertical pass; `image` holds input rows from `rowOffset` on.
    private static func verticalPass(_ image: RGBImage, taps t: Taps, rowOffset: Int, rows: Range<Int>) -> RGBImage {
        let width = image.width
        var out = [UInt8](repeating: 0, count: width * rows.count * 3)
        let half = Int32(1 << (precisionBits - 1))
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                t.weights.withUnsafeBufferPointer { w in
                    var acc = [Int32](repeating: 0, count: width * 3)
                    for (r, yy) in rows.enumerated() {
                        for i in 0..<acc.count { acc[i] = half }
                        let y0 = Int(t.first[yy]) - rowOffset
                        for y in 0..<Int(t.count[yy]) {
                            let k = w[yy * t.stride + y]
                            let row = (y0 + y) * width * 3
                            for i in 0..<(width * 3) { acc[i] &+= Int32(src[row + i]) &* k }
                        }
                        let d = r * width * 3
                        for i in 0..<(width * 3) { dst[d + i] = clip8(acc[i]) }
                    }
                }
            }
        }
        return RGBImage(width: width, height: rows.count, pixels: out)
    }
}

extension RGBImage {
    /// Resized so the shorter side is `shorterSide` and the other keeps the
    /// aspect ratio, rounded half to even as Python's `round` does.
    public func resized(shorterSide: Int) -> RGBImage {
        let (w, h) = sizeResized(shorterSide: shorterSide)
        return Resampling.bilinear(self, width: w, height: h)
    }

    /// `resized(shorterSide:)` then `centerCropped(width:height:)`, computing
    /// only the pixels the crop keeps (the same pixels).
    public func resized(shorterSide: Int, centerCroppedTo crop: (width: Int, height: Int)) -> RGBImage {
        let (w, h) = sizeResized(shorterSide: shorterSide)
        // A crop larger than the resized image keeps all of it on that axis.
        let cw = min(crop.width, w), ch = min(crop.height, h)
        let x = (w - cw) / 2, y = (h - ch) / 2
        return Resampling.bilinear(self, width: w, height: h, columns: x..<(x + cw), rows: y..<(y + ch))
    }

    private func sizeResized(shorterSide: Int) -> (width: Int, height: Int) {
        let short = min(width, height), long = max(width, height)
        let scaled = Int((Double(long) * Double(shorterSide) / Double(short)).rounded(.toNearestOrEven))
        return width <= height ? (shorterSide, scaled) : (scaled, shorterSide)
    }
}
