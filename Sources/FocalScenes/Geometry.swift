/// Shapes as signed distance functions, in scene pixels.
///
/// Every element is built from a few primitives whose signed distance `d` to
/// the outline (negative inside) is cheap to evaluate at a pixel centre. The
/// coverage `clamp(0.5 − d, 0, 1)` is then an analytic anti-aliasing: edges
/// come out smooth without supersampling, which keeps rendering fast, and the
/// same coverage decides which pixels belong to an element's mask.
///
/// Only +, −, ×, ÷ and square roots are used (plus the polynomial `Trig`
/// below): IEEE 754 rounds those identically everywhere, whereas `sin`, `exp`
/// and `pow` come from the platform's maths library and may differ in the last
/// bit, which would break byte-identical datasets across machines.

/// A colour with channels in 0...1 (sRGB values, blended as they are).
public struct RGB: Sendable, Equatable {
    public var r: Float
    public var g: Float
    public var b: Float

    @inline(__always) public init(_ r: Float, _ g: Float, _ b: Float) {
        self.r = r; self.g = g; self.b = b
    }

    /// From 0...255 components.
    public init(bytes r: Int, _ g: Int, _ b: Int) {
        self.init(Float(r) / 255, Float(g) / 255, Float(b) / 255)
    }

    @inline(__always) public func scaled(_ k: Float) -> RGB { RGB(r * k, g * k, b * k) }

    /// `self` moved a fraction `t` of the way towards `other`.
    @inline(__always) public func mixed(_ other: RGB, _ t: Float) -> RGB {
        RGB(r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t)
    }

    public static let white = RGB(1, 1, 1)
    public static let black = RGB(0, 0, 0)
}

@inline(__always) func clamp01(_ x: Float) -> Float { x < 0 ? 0 : (x > 1 ? 1 : x) }
@inline(__always) func smoothstep(_ e0: Float, _ e1: Float, _ x: Float) -> Float {
    let t = clamp01((x - e0) / (e1 - e0))
    return t * t * (3 - 2 * t)
}
/// Anti-aliased coverage of a pixel at signed distance `d` from an edge.
@inline(__always) func coverage(_ d: Float) -> Float { clamp01(0.5 - d) }

/// Sine and cosine by polynomials, identical on every machine.
public enum Trig {
    /// (cos, sin) of an angle given in turns (1 = 360°).
    public static func cosSin(turns: Double) -> (Double, Double) {
        var t = turns - (turns + 0.5).rounded(.down)   // -0.5 ..< 0.5
        // Fold into -0.25...0.25 for sine, tracking the cosine's sign.
        var cosSign = 1.0
        if t > 0.25 { t = 0.5 - t; cosSign = -1 } else if t < -0.25 { t = -0.5 - t; cosSign = -1 }
        let x = t * 6.283185307179586
        let x2 = x * x
        // Taylor series to x^13 / x^12: error below 1e-9 on |x| <= pi/2.
        let s = x * (1 + x2 * (-1.0 / 6 + x2 * (1.0 / 120 + x2 * (-1.0 / 5040 + x2 * (1.0 / 362880
            + x2 * (-1.0 / 39916800 + x2 * (1.0 / 6227020800)))))))
        let c = 1 + x2 * (-0.5 + x2 * (1.0 / 24 + x2 * (-1.0 / 720 + x2 * (1.0 / 40320
            + x2 * (-1.0 / 3628800 + x2 * (1.0 / 479001600))))))
        return (cosSign * c, s)
    }
}

/// An axis-aligned box in scene pixels.
public struct Box: Sendable {
    public var x0: Float, y0: Float, x1: Float, y1: Float

    public init(x0: Float, y0: Float, x1: Float, y1: Float) {
        self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1
    }
    public init(cx: Float, cy: Float, radius: Float) {
        self.init(x0: cx - radius, y0: cy - radius, x1: cx + radius, y1: cy + radius)
    }
    public func union(_ o: Box) -> Box {
        Box(x0: min(x0, o.x0), y0: min(y0, o.y0), x1: max(x1, o.x1), y1: max(y1, o.y1))
    }
    public func padded(_ p: Float) -> Box { Box(x0: x0 - p, y0: y0 - p, x1: x1 + p, y1: y1 + p) }
    public var width: Float { x1 - x0 }
    public var height: Float { y1 - y0 }
}

/// A centre and a rotation about it: the frame a rotated shape is measured in.
public struct RotatedFrame: Sendable {
    public var cx: Float, cy: Float
    /// Cosine and sine of the rotation.
    public var c: Float, s: Float

    public init(cx: Float, cy: Float, turns: Double) {
        self.cx = cx; self.cy = cy
        let (c, s) = Trig.cosSin(turns: turns)
        self.c = Float(c); self.s = Float(s)
    }

    /// A point's coordinates along (u) and across (v) the rotated axis, from the centre.
    @inline(__always) public func local(_ x: Float, _ y: Float) -> (u: Float, v: Float) {
        let dx = x - cx, dy = y - cy
        return (dx * c + dy * s, dy * c - dx * s)
    }
}

/// A rotated ellipse.
public struct Ellipse: Sendable {
    public var frame: RotatedFrame
    public var rx: Float, ry: Float
    public var cx: Float { frame.cx }
    public var cy: Float { frame.cy }

    public init(cx: Float, cy: Float, rx: Float, ry: Float, turns: Double = 0) {
        frame = RotatedFrame(cx: cx, cy: cy, turns: turns)
        self.rx = max(rx, 0.25); self.ry = max(ry, 0.25)
    }

    /// Coordinates in the ellipse's frame, scaled so its outline is the unit circle.
    @inline(__always) public func unit(_ x: Float, _ y: Float) -> (Float, Float) {
        let (u, v) = frame.local(x, y)
        return (u / rx, v / ry)
    }

    /// Approximate signed distance (exact on circles), after Inigo Quilez.
    @inline(__always) public func distance(_ x: Float, _ y: Float) -> Float {
        let (u, v) = frame.local(x, y)
        let ua = u / rx, vb = v / ry
        let k0 = (ua * ua + vb * vb).squareRoot()
        let ua2 = ua / rx, vb2 = vb / ry
        let k1 = (ua2 * ua2 + vb2 * vb2).squareRoot()
        if k1 < 1e-6 { return -min(rx, ry) }
        return k0 * (k0 - 1) / k1
    }

    public var bounds: Box {
        let c = frame.c, s = frame.s
        let ex = ((rx * c) * (rx * c) + (ry * s) * (ry * s)).squareRoot()
        let ey = ((rx * s) * (rx * s) + (ry * c) * (ry * c)).squareRoot()
        return Box(x0: cx - ex, y0: cy - ey, x1: cx + ex, y1: cy + ey).padded(1)
    }
}

/// A segment with rounded ends whose radius tapers from `r0` at `a` to `r1` at `b`:
/// stems, arms, necks, ribbons.
public struct Capsule: Sendable {
    public var ax: Float, ay: Float, bx: Float, by: Float, r0: Float, r1: Float

    public init(_ ax: Float, _ ay: Float, _ bx: Float, _ by: Float, r0: Float, r1: Float? = nil) {
        self.ax = ax; self.ay = ay; self.bx = bx; self.by = by; self.r0 = r0; self.r1 = r1 ?? r0
    }

    /// Distance, and the position 0...1 along the segment.
    @inline(__always) public func distance(_ x: Float, _ y: Float) -> (Float, Float) {
        let px = x - ax, py = y - ay, vx = bx - ax, vy = by - ay
        let len2 = vx * vx + vy * vy
        let h = len2 > 0 ? clamp01((px * vx + py * vy) / len2) : 0
        let qx = px - vx * h, qy = py - vy * h
        return ((qx * qx + qy * qy).squareRoot() - (r0 + (r1 - r0) * h), h)
    }

    public var bounds: Box {
        let r = max(r0, r1)
        return Box(x0: min(ax, bx) - r, y0: min(ay, by) - r, x1: max(ax, bx) + r, y1: max(ay, by) + r).padded(1)
    }
}

/// A pointed leaf or petal: the lens where two circles overlap (a vesica),
/// `length` tip to tip along the rotation, `width` across.
public struct Lens: Sendable {
    public var frame: RotatedFrame
    public var half: Float, halfWidth: Float
    let radius: Float, offset: Float
    public var cx: Float { frame.cx }
    public var cy: Float { frame.cy }

    public init(cx: Float, cy: Float, length: Float, width: Float, turns: Double) {
        frame = RotatedFrame(cx: cx, cy: cy, turns: turns)
        half = max(length / 2, 0.5); halfWidth = max(min(width / 2, half * 0.999), 0.25)
        radius = (half * half + halfWidth * halfWidth) / (2 * halfWidth)
        offset = radius - halfWidth
    }

    /// Coordinates along (−1 at one tip, +1 at the other) and across (−1...1 at the widest).
    @inline(__always) public func local(_ x: Float, _ y: Float) -> (Float, Float) {
        let (u, v) = frame.local(x, y)
        return (u / half, v / halfWidth)
    }

    @inline(__always) public func distance(_ x: Float, _ y: Float) -> Float {
        let (u, v) = frame.local(x, y)
        let av = v < 0 ? -v : v
        // Symmetric in v: the nearer circle's far side bounds the lens.
        let w = av + offset
        return (u * u + w * w).squareRoot() - radius
    }

    public var bounds: Box { Box(cx: cx, cy: cy, radius: half).padded(1) }
}

/// A simple polygon (any winding), exact signed distance.
public struct Polygon: Sendable {
    public var xs: [Float]
    public var ys: [Float]

    public init(_ points: [(Float, Float)]) {
        xs = points.map { $0.0 }
        ys = points.map { $0.1 }
    }

    @inline(__always) public func distance(_ x: Float, _ y: Float) -> Float {
        let n = xs.count
        var d = Float.greatestFiniteMagnitude
        var inside = false
        var j = n - 1
        for i in 0..<n {
            let ex = xs[j] - xs[i], ey = ys[j] - ys[i]
            let wx = x - xs[i], wy = y - ys[i]
            let len2 = ex * ex + ey * ey
            let h = len2 > 0 ? clamp01((wx * ex + wy * ey) / len2) : 0
            let bx = wx - ex * h, by = wy - ey * h
            d = min(d, bx * bx + by * by)
            if (ys[i] > y) != (ys[j] > y) {
                let xCross = xs[i] + (y - ys[i]) * (xs[j] - xs[i]) / (ys[j] - ys[i])
                if x < xCross { inside.toggle() }
            }
            j = i
        }
        let dist = d.squareRoot()
        return inside ? -dist : dist
    }

    public var bounds: Box {
        Box(x0: xs.min()!, y0: ys.min()!, x1: xs.max()!, y1: ys.max()!).padded(1)
    }
}
