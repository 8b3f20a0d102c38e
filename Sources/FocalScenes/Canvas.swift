import FocalImages
import FocalNumerics

/// What a shading function reports for one pixel of a shape: how much of it
/// the shape covers, in what colour, how opaque.
public struct Paint {
    /// Geometric coverage of the pixel, 0...1 (from `coverage(distance)`).
    public var coverage: Float
    public var color: RGB
    /// Paint opacity on top of coverage: below 1 for translucent material (a veil).
    public var alpha: Float

    @inline(__always) public init(_ coverage: Float, _ color: RGB, alpha: Float = 1) {
        self.coverage = coverage; self.color = color; self.alpha = alpha
    }
    public static let none = Paint(0, .black, alpha: 0)
}

/// One element instance being drawn: its coverage, from which its mask and box come.
public final class Layer {
    public let element: String
    /// Draw order: later layers hide earlier ones where they are opaque.
    let order: Int32
    /// Whether opaque paint of this layer hides the layers below (a veil does not).
    let occludes: Bool
    let coverage: UnsafeMutableBufferPointer<UInt8>

    init(element: String, order: Int32, occludes: Bool, pixels: Int) {
        self.element = element
        self.order = order
        self.occludes = occludes
        coverage = .allocate(capacity: pixels)
        coverage.initialize(repeating: 0)
    }

    deinit { coverage.deallocate() }
}

/// An element's visible pixels once the scene is finished.
public struct ElementMask: Sendable {
    public var element: String
    /// 255 inside, 0 outside, `width * height` bytes.
    public var pixels: [UInt8]
    /// Tight bounding box of the non-zero pixels (x, y, width, height), or nil if none is visible.
    public var box: (x: Int, y: Int, width: Int, height: Int)?
    public var area: Int
}

/// A floating-point RGB raster that elements are painted onto, with a coverage
/// layer per element instance.
///
/// Masks are *visible* masks: a pixel belongs to an element where the element
/// covers at least half of it and no later opaque paint (a bouquet held in
/// front of a dress) hides it. Translucent layers (a veil) do not hide what is
/// under them. This is tracked with one `top` value per pixel, the order of the
/// last opaque paint there, so finding masks costs one pass per layer.
///
/// `tilt` rotates the whole scene about the image centre (a phone held at an
/// angle): shapes are evaluated in scene coordinates, so they stay
/// anti-aliased and their masks rotate with them.
public final class Canvas {
    public let width: Int
    public let height: Int
    /// Interleaved RGB in 0...1 (values may stray outside until `image()` clamps them).
    public let rgb: UnsafeMutableBufferPointer<Float>
    let top: UnsafeMutableBufferPointer<Int32>
    public private(set) var layers: [Layer] = []
    var current: Layer?
    var order: Int32 = 0
    var cosTilt: Float = 1, sinTilt: Float = 0
    /// JPEG quality the scene asks for (phone-style pictures ask for a low one).
    public var jpegQuality = 92
    /// When false, paint still shows and hides what is below but adds nothing to
    /// the current element's mask (the hand holding a bouquet is not bouquet).
    public var masking = true

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        rgb = .allocate(capacity: width * height * 3)
        rgb.initialize(repeating: 0)
        top = .allocate(capacity: width * height)
        top.initialize(repeating: 0)
    }

    deinit {
        rgb.deallocate()
        top.deallocate()
    }

    public var size: Float { Float(min(width, height)) }

    /// Rotates everything drawn from now on by `turns` about the image centre.
    public func setTilt(turns: Double) {
        let (c, s) = Trig.cosSin(turns: turns)
        cosTilt = Float(c); sinTilt = Float(s)
    }

    /// Starts an element instance: what is drawn until `endElement` forms its mask.
    @discardableResult
    public func beginElement(_ element: String, occludes: Bool = true) -> Layer {
        precondition(current == nil, "elements do not nest")
        order += 1
        let layer = Layer(element: element, order: order, occludes: occludes, pixels: width * height)
        layers.append(layer)
        current = layer
        return layer
    }

    /// Draws `body` as part of the current element's picture but not of its mask.
    public func unmasked(_ body: () -> Void) {
        let saved = masking
        masking = false
        body()
        masking = saved
    }

    public func endElement() {
        current = nil
        order += 1   // unlabelled paint after an element (clutter) may hide it
    }

    /// Draws `element` with `body`, as one layer.
    public func element(_ name: String, occludes: Bool = true, _ body: () -> Void) {
        beginElement(name, occludes: occludes)
        body()
        endElement()
    }

    /// The pixel rectangle whose centres may fall inside `box` (scene coordinates).
    @inline(__always)
    func pixelRange(_ box: Box) -> (Int, Int, Int, Int)? {
        var x0 = box.x0, y0 = box.y0, x1 = box.x1, y1 = box.y1
        if sinTilt != 0 {
            // Scene → pixel is the inverse rotation about the centre; bound the four corners.
            let cx = Float(width) / 2, cy = Float(height) / 2
            var minX = Float.greatestFiniteMagnitude, minY = minX, maxX = -minX, maxY = -minX
            for (x, y) in [(x0, y0), (x1, y0), (x0, y1), (x1, y1)] {
                let dx = x - cx, dy = y - cy
                let px = cx + dx * cosTilt + dy * sinTilt, py = cy - dx * sinTilt + dy * cosTilt
                minX = min(minX, px); maxX = max(maxX, px); minY = min(minY, py); maxY = max(maxY, py)
            }
            x0 = minX; x1 = maxX; y0 = minY; y1 = maxY
        }
        let px0 = max(0, Int((x0 - 1).rounded(.down))), py0 = max(0, Int((y0 - 1).rounded(.down)))
        let px1 = min(width, Int((x1 + 1).rounded(.up))), py1 = min(height, Int((y1 + 1).rounded(.up)))
        guard px0 < px1, py0 < py1 else { return nil }
        return (px0, py0, px1, py1)
    }

    /// Paints every pixel whose centre may be inside `box` with what `shade`
    /// returns for the pixel centre's scene coordinates, at `opacity`.
    @inline(__always)
    public func fill(_ box: Box, opacity: Float = 1, _ shade: (Float, Float) -> Paint) {
        guard let (px0, py0, px1, py1) = pixelRange(box) else { return }
        let layer = current
        let cov = masking ? layer?.coverage : nil
        let occludes = layer?.occludes ?? true
        let stamp = order
        let cx = Float(width) / 2, cy = Float(height) / 2
        let ct = cosTilt, st = sinTilt
        let rgb = self.rgb, top = self.top, width = self.width
        for py in py0..<py1 {
            let fy = Float(py) + 0.5 - cy
            for px in px0..<px1 {
                let fx = Float(px) + 0.5 - cx
                let sx = cx + fx * ct - fy * st
                let sy = cy + fx * st + fy * ct
                let paint = shade(sx, sy)
                if paint.coverage <= 0 { continue }
                let a = paint.coverage * paint.alpha * opacity
                let p = py * width + px
                let i = 3 * p
                rgb[i] = rgb[i] + (paint.color.r - rgb[i]) * a
                rgb[i + 1] = rgb[i + 1] + (paint.color.g - rgb[i + 1]) * a
                rgb[i + 2] = rgb[i + 2] + (paint.color.b - rgb[i + 2]) * a
                if let cov {
                    let c = UInt8(paint.coverage * 255 + 0.5)
                    if c > cov[p] { cov[p] = c }
                }
                if occludes && a >= 0.5 { top[p] = stamp }
            }
        }
    }

    /// Fills the whole image (backgrounds); `shade` gets scene coordinates.
    public func fillAll(_ shade: (Float, Float) -> RGB) {
        let big = Float(max(width, height))
        fill(Box(x0: -big, y0: -big, x1: 2 * big, y1: 2 * big)) { x, y in Paint(1, shade(x, y)) }
    }

    /// Composites a cut-out (straight alpha) into `box` (scene coordinates),
    /// stretched to it: the caller fits the box to the cut-out's aspect ratio.
    /// `flip` mirrors it left to right.
    public func composite(_ image: RGBAImage, into box: Box, flip: Bool = false, tint: RGB = .white) {
        let w = Float(image.width), h = Float(image.height)
        let sx = w / box.width, sy = h / box.height
        image.pixels.withUnsafeBufferPointer { src in
            fill(box) { x, y in
                // Bilinear sampling of premultiplied colour, in cut-out pixels.
                var u = (x - box.x0) * sx - 0.5, v = (y - box.y0) * sy - 0.5
                if flip { u = w - 1 - u }
                if u < -1 || v < -1 || u > w || v > h { return .none }
                let fu = u.rounded(.down), fv = v.rounded(.down)
                let tu = u - fu, tv = v - fv
                let iu = Int(fu), iv = Int(fv)
                var acc: (Float, Float, Float, Float) = (0, 0, 0, 0)
                for (dx, dy, wgt) in [(0, 0, (1 - tu) * (1 - tv)), (1, 0, tu * (1 - tv)),
                                      (0, 1, (1 - tu) * tv), (1, 1, tu * tv)] {
                    let xx = iu + dx, yy = iv + dy
                    if xx < 0 || yy < 0 || xx >= image.width || yy >= image.height || wgt == 0 { continue }
                    let k = 4 * (yy * image.width + xx)
                    let a = Float(src[k + 3]) / 255 * wgt
                    acc.0 += Float(src[k]) * a; acc.1 += Float(src[k + 1]) * a
                    acc.2 += Float(src[k + 2]) * a; acc.3 += a
                }
                if acc.3 <= 0.002 { return .none }
                let color = RGB(acc.0 / acc.3 / 255 * tint.r, acc.1 / acc.3 / 255 * tint.g, acc.2 / acc.3 / 255 * tint.b)
                return Paint(min(1, acc.3), color)
            }
        }
    }

    // MARK: Whole-image effects

    /// Applies `transform` to every pixel's colour (lighting, colour casts).
    public func adjust(_ transform: (Float, Float, RGB) -> RGB) {
        for y in 0..<height {
            for x in 0..<width {
                let i = 3 * (y * width + x)
                let out = transform(Float(x) + 0.5, Float(y) + 0.5, RGB(rgb[i], rgb[i + 1], rgb[i + 2]))
                rgb[i] = out.r; rgb[i + 1] = out.g; rgb[i + 2] = out.b
            }
        }
    }

    /// A box blur of `radius` pixels, `passes` times (three passes ≈ Gaussian):
    /// camera shake and focus misses.
    public func blur(radius: Int, passes: Int = 2) {
        guard radius > 0 else { return }
        let line = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(width, height) * 3)
        defer { line.deallocate() }
        let norm = 1 / Float(2 * radius + 1)
        for _ in 0..<passes {
            for horizontal in [true, false] {
                let lines = horizontal ? height : width, n = horizontal ? width : height
                let step = horizontal ? 3 : 3 * width
                for l in 0..<lines {
                    let base = horizontal ? 3 * l * width : 3 * l
                    for c in 0..<3 {
                        // Running sum with clamped edges.
                        var sum: Float = 0
                        for k in -radius...radius {
                            sum += rgb[base + c + step * min(max(k, 0), n - 1)]
                        }
                        for k in 0..<n {
                            line[3 * k + c] = sum * norm
                            let add = min(k + radius + 1, n - 1), drop = max(k - radius, 0)
                            sum += rgb[base + c + step * add] - rgb[base + c + step * drop]
                        }
                    }
                    for k in 0..<n {
                        for c in 0..<3 { rgb[base + c + step * k] = line[3 * k + c] }
                    }
                }
            }
        }
    }

    /// Sensor noise: per-pixel luminance and chroma noise of about `strength` (0...1 scale).
    public func addNoise(_ strength: Float, chroma: Float, random: inout SplitMix64) {
        for p in 0..<(width * height) {
            let bits = random.next()
            // Four 16-bit uniforms: their centred sum is roughly normal.
            let a = Float(bits & 0xFFFF), b = Float((bits >> 16) & 0xFFFF)
            let c = Float((bits >> 32) & 0xFFFF), d = Float(bits >> 48)
            let luma = ((a + b) / 65535 - 1) * strength * 1.7
            let ch1 = (c / 65535 - 0.5) * chroma, ch2 = (d / 65535 - 0.5) * chroma
            rgb[3 * p] += luma + ch1
            rgb[3 * p + 1] += luma
            rgb[3 * p + 2] += luma + ch2
        }
    }

    // MARK: Output

    /// The picture, rounded to 8 bits.
    public func image() -> RGBImage {
        var out = [UInt8](repeating: 0, count: width * height * 3)
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<o.count {
                let v = rgb[i] * 255 + 0.5
                o[i] = v <= 0 ? 0 : (v >= 255 ? 255 : UInt8(v))
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// Each element instance's visible mask and tight box, in drawing order.
    public func masks() -> [ElementMask] {
        layers.map { layer in
            var pixels = [UInt8](repeating: 0, count: width * height)
            var minX = width, minY = height, maxX = -1, maxY = -1, area = 0
            pixels.withUnsafeMutableBufferPointer { m in
                for y in 0..<height {
                    for x in 0..<width {
                        let p = y * width + x
                        if layer.coverage[p] >= 128 && top[p] <= layer.order {
                            m[p] = 255
                            area += 1
                            if x < minX { minX = x }
                            if x > maxX { maxX = x }
                            if y < minY { minY = y }
                            if y > maxY { maxY = y }
                        }
                    }
                }
            }
            let box = area > 0 ? (minX, minY, maxX - minX + 1, maxY - minY + 1) : nil
            return ElementMask(element: layer.element, pixels: pixels, box: box, area: area)
        }
    }
}
