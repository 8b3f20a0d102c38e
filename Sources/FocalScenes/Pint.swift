import FocalNumerics

/// A pint glass of beer, for the `pints` scenario: a tapered glass, the beer
/// (lager, amber or stout) with rising bubbles, and the head of foam whose
/// thickness decides whether it is a perfect pint.
public struct Pint: Sendable {
    /// How the pint was poured.
    public enum Pour: String, CaseIterable, Sendable {
        /// Full to the rim with a creamy head of about a tenth of the glass.
        case perfect
        /// No head at all: a flat, dead pint.
        case flat
        /// Mostly foam: a head of a third or more of the glass.
        case foamy
        /// Short measure: beer and head well below the rim.
        case short
    }

    public var cx: Float
    /// Bottom of the glass (its base stands here).
    public var baseY: Float
    public var height: Float
    public var pour: Pour

    /// Top width is `0.56 * height`, bottom `0.72` of that.
    public var topHalf: Float { 0.28 * height }
    public var bottomHalf: Float { 0.2 * height }
    public var rimY: Float { baseY - height }

    /// The glass's half-width at height `y`.
    @inline(__always) func halfWidth(at y: Float) -> Float {
        bottomHalf + (topHalf - bottomHalf) * clamp01((baseY - y) / height)
    }

    public var extent: Box { Box(x0: cx - topHalf, y0: rimY - 0.05 * height, x1: cx + topHalf, y1: baseY) }

    public func draw(on canvas: Canvas, random: inout SplitMix64, cutouts: Cutouts?) {
        let glass = Polygon([(cx - topHalf, rimY), (cx + topHalf, rimY), (cx + bottomHalf, baseY), (cx - bottomHalf, baseY)])
        let inner = Polygon([(cx - topHalf + 1.2, rimY), (cx + topHalf - 1.2, rimY),
                             (cx + bottomHalf - 1.5, baseY - 0.06 * height), (cx - bottomHalf + 1.5, baseY - 0.06 * height)])
        // Where the beer and the head are.
        let headThickness: Float, liquidTop: Float
        switch pour {
        case .perfect:
            headThickness = height * random.float(0.08, 0.13); liquidTop = rimY + headThickness
        case .flat:
            headThickness = 0; liquidTop = rimY + height * random.float(0.02, 0.06)
        case .foamy:
            headThickness = height * random.float(0.32, 0.55); liquidTop = rimY + headThickness
        case .short:
            let gap = height * random.float(0.22, 0.4)
            headThickness = height * random.float(0.04, 0.1); liquidTop = rimY + gap + headThickness
        }
        let headTop = liquidTop - headThickness
        let kind = random.int(0...2)
        let beer = [RGB(0.93, 0.68, 0.16), RGB(0.72, 0.35, 0.08), RGB(0.1, 0.05, 0.03)][kind]
        let cream = kind == 2 ? RGB(0.93, 0.85, 0.68) : RGB(0.98, 0.97, 0.92)
        let noise = Noise(&random)

        canvas.element("pint") {
            if let cut = cutouts?.pick("pint", &random) {
                canvas.place(cut, center: (cx, baseY - height / 2), size: height, random: &random)
                return
            }
            // The glass itself: a faint tint and thick base over whatever is behind.
            canvas.fill(glass.bounds) { x, y in
                let d = glass.distance(x, y)
                let cov = coverage(d)
                if cov <= 0 { return .none }
                let edge = smoothstep(-2.2, 0, d)
                let base = y > baseY - 0.06 * height ? Float(0.35) : 0
                return Paint(cov, RGB(0.85, 0.9, 0.92), alpha: 0.12 + 0.5 * edge + base)
            }
            // The beer: lighter in the middle, bubbles rising.
            canvas.fill(inner.bounds) { x, y in
                if y < liquidTop { return .none }
                let d = max(inner.distance(x, y), liquidTop - y)
                let cov = coverage(d)
                if cov <= 0 { return .none }
                let across = (x - cx) / halfWidth(at: y)
                var c = beer.scaled(1.1 - 0.35 * across * across + 0.1 * (y - liquidTop) / height * -1)
                if noise.cell(x / 1.3, y / 1.3 + (x * 0.37).rounded(.down) * 0.5) > 0.99 { c = c.mixed(.white, 0.35) }
                return Paint(cov, c)
            }
            // Glints on the glass, over the beer.
            let stripe = cx - topHalf * 0.55
            canvas.fill(glass.bounds) { x, y in
                let d = glass.distance(x, y)
                if d > 0 { return .none }
                let w = abs(x - stripe - (baseY - y) * 0.05) / max(1, 0.06 * height)
                let glint = clamp01(1 - w) * 0.55
                return glint > 0 ? Paint(coverage(d), .white, alpha: glint) : .none
            }
        }
        if headThickness > 0 {
            canvas.element("foam") {
                // The head, domed slightly above its top edge, fine bubbles on its face.
                let dome = Ellipse(cx: cx, cy: headTop, rx: halfWidth(at: headTop) - 1, ry: max(1.5, 0.025 * height))
                let box = Box(x0: cx - topHalf, y0: headTop - 0.03 * height, x1: cx + topHalf, y1: liquidTop + 1)
                canvas.fill(box) { x, y in
                    let side = abs(x - cx) - (halfWidth(at: y) - 1.2)
                    let d = max(side, max(min(headTop - y, dome.distance(x, y)), y - liquidTop))
                    let cov = coverage(d)
                    if cov <= 0 { return .none }
                    let bubbles = 0.9 + 0.12 * noise.value(x / 1.1, y / 1.1)
                    let lower = smoothstep(liquidTop - 0.25 * headThickness, liquidTop, y)
                    return Paint(cov, cream.scaled(bubbles).mixed(beer, 0.35 * lower))
                }
            }
        }
    }
}

/// Unlabelled objects that crowd a phone photo: bottles, coasters, a phone,
/// a snack packet.
enum Clutter {
    static func draw(on canvas: Canvas, avoiding keep: Box, random: inout SplitMix64) {
        let s = canvas.size
        for _ in 0..<random.int(2...5) {
            let x = s * random.float(0.05, 0.95), y = s * random.float(0.3, 0.95)
            let r = s * random.float(0.05, 0.12)
            if x + r > keep.x0 && x - r < keep.x1 && y + r > keep.y0 && y - r < keep.y1 { continue }
            let color = RGB(random.float(0.05, 0.95), random.float(0.05, 0.95), random.float(0.05, 0.95))
            switch random.int(0...3) {
            case 0:  // bottle
                let body = Capsule(x, y, x, y - 1.6 * r, r0: 0.45 * r)
                let neck = Capsule(x, y - 1.6 * r, x, y - 2.6 * r, r0: 0.15 * r)
                let glass = random.chance(0.5) ? RGB(0.3, 0.18, 0.05) : RGB(0.1, 0.35, 0.12)
                canvas.fill(body.bounds.union(neck.bounds)) { px, py in
                    let d = min(body.distance(px, py).0, neck.distance(px, py).0)
                    let cov = coverage(d)
                    return cov > 0 ? Paint(cov, glass.scaled(0.8 + 0.4 * clamp01(1 - abs(px - x + 0.2 * r) / (0.1 * r)))) : .none
                }
            case 1:  // coaster
                let disc = Ellipse(cx: x, cy: y, rx: r, ry: 0.45 * r)
                canvas.fill(disc.bounds) { px, py in
                    let cov = coverage(disc.distance(px, py))
                    return cov > 0 ? Paint(cov, color) : .none
                }
            case 2:  // phone
                let phone = Polygon([(x - 0.5 * r, y - r), (x + 0.5 * r, y - r), (x + 0.5 * r, y + r), (x - 0.5 * r, y + r)])
                canvas.fill(phone.bounds) { px, py in
                    let d = phone.distance(px, py) - 0.08 * r
                    let cov = coverage(d)
                    return cov > 0 ? Paint(cov, d < -0.1 * r ? RGB(0.1, 0.12, 0.18) : RGB(0.02, 0.02, 0.02)) : .none
                }
            default:  // snack packet
                let pack = Polygon([(x - r, y - 0.7 * r), (x + r, y - 0.8 * r), (x + 0.9 * r, y + 0.7 * r), (x - 0.95 * r, y + 0.75 * r)])
                let stripe = RGB(random.float(0.5, 1), random.float(0.5, 1), random.float(0, 0.5))
                canvas.fill(pack.bounds) { px, py in
                    let cov = coverage(pack.distance(px, py))
                    return cov > 0 ? Paint(cov, abs(py - y) < 0.2 * r ? stripe : color) : .none
                }
            }
        }
    }
}
