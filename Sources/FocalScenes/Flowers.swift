import FocalNumerics

/// Flowers: petal rosettes, the building block of both the `flowers` element
/// (loose blooms) and the `bouquet` (a tight cluster of them with stems and a
/// hand). Sharing the rosette is deliberate: what tells a bouquet apart is its
/// arrangement (dense dome, converging stems, wrap, hand), not its petals, and
/// that is exactly what a model must learn instead of "flowers are present".
public enum Flower {
    public enum Style: CaseIterable, Sendable {
        /// Many thin petals round a yellow disc.
        case daisy
        /// Concentric rings of round petals, one colour.
        case rose
        /// Five or six broad petals round a dark eye.
        case simple
    }

    /// Draws one bloom of radius `r` centred at (`cx`, `cy`).
    public static func rosette(on canvas: Canvas, cx: Float, cy: Float, r: Float, color: RGB,
                               style: Style, random: inout SplitMix64) {
        let spin = random.unit()
        let vein = Noise(&random)
        func petal(_ dist: Float, _ length: Float, _ width: Float, _ turns: Double, _ tone: RGB) {
            let (c, s) = Trig.cosSin(turns: turns)
            let e = Ellipse(cx: cx + dist * Float(c), cy: cy + dist * Float(s), rx: length, ry: width, turns: turns)
            canvas.fill(e.bounds) { x, y in
                let d = e.distance(x, y)
                let cov = coverage(d)
                if cov <= 0 { return .none }
                let (u, v) = e.unit(x, y)
                // Darker towards the centre of the bloom, a rim line, faint veins.
                let radial = 0.72 + 0.28 * clamp01((u + 1) / 2)
                let rim = 1 - 0.28 * smoothstep(-1.6, 0, d)
                let streak = 0.94 + 0.1 * vein.value(u * 3 + Float(turns) * 40, v * 9)
                return Paint(cov, tone.scaled(radial * rim * streak))
            }
        }
        switch style {
        case .daisy:
            let n = random.int(12...18)
            for i in 0..<n {
                petal(r * 0.55, r * 0.45, r * 0.11, spin + Double(i) / Double(n), color)
            }
            disc(on: canvas, cx: cx, cy: cy, r: r * 0.28, color: RGB(0.95, 0.75, 0.15), noise: vein)
        case .rose:
            var ring: Float = 1
            var k = 0
            while ring > 0.25 {
                let n = max(4, Int(8 * ring))
                let tone = color.scaled(0.8 + 0.2 * ring)
                for i in 0..<n {
                    petal(r * ring * 0.5, r * ring * 0.5, r * ring * 0.38,
                          spin + (Double(i) + 0.5 * Double(k % 2)) / Double(n), tone)
                }
                ring -= 0.28
                k += 1
            }
            disc(on: canvas, cx: cx, cy: cy, r: r * 0.16, color: color.scaled(0.6), noise: vein)
        case .simple:
            let n = random.int(5...6)
            for i in 0..<n {
                petal(r * 0.5, r * 0.5, r * 0.34, spin + Double(i) / Double(n), color)
            }
            let eye = random.chance(0.5) ? RGB(0.3, 0.15, 0.1) : RGB(0.95, 0.8, 0.2)
            disc(on: canvas, cx: cx, cy: cy, r: r * 0.2, color: eye, noise: vein)
        }
    }

    /// A seeded flower centre with grain.
    static func disc(on canvas: Canvas, cx: Float, cy: Float, r: Float, color: RGB, noise: Noise) {
        let e = Ellipse(cx: cx, cy: cy, rx: r, ry: r)
        canvas.fill(e.bounds) { x, y in
            let cov = coverage(e.distance(x, y))
            if cov <= 0 { return .none }
            return Paint(cov, color.scaled(0.7 + 0.5 * noise.cell(x / 1.5, y / 1.5)))
        }
    }

    /// A stem as a slightly tapering green line.
    public static func stem(on canvas: Canvas, from a: (Float, Float), to b: (Float, Float), width: Float, color: RGB) {
        let c = Capsule(a.0, a.1, b.0, b.1, r0: width / 2, r1: width * 0.4)
        canvas.fill(c.bounds) { x, y in
            let (d, _) = c.distance(x, y)
            let cov = coverage(d)
            if cov <= 0 { return .none }
            return Paint(cov, color.scaled(0.8 + 0.2 * clamp01(-d / max(width / 2, 0.5))))
        }
    }

    /// A random petal colour and style.
    public static func randomLook(_ random: inout SplitMix64) -> (RGB, Style) {
        let base = random.pick(Palette.petals)
        let jitter = RGB(random.float(-0.05, 0.05), random.float(-0.05, 0.05), random.float(-0.05, 0.05))
        return (RGB(clamp01(base.r + jitter.r), clamp01(base.g + jitter.g), clamp01(base.b + jitter.b)),
                random.pick(Style.allCases))
    }

    /// The `flowers` element: one loose bloom with a short stem and a leaf,
    /// lying or standing at (`cx`, `cy`), drawn as its own element instance.
    public static func loose(on canvas: Canvas, cx: Float, cy: Float, r: Float, random: inout SplitMix64,
                             cutouts: Cutouts?) {
        canvas.element("flowers") {
            if let cut = cutouts?.pick("flowers", &random) {
                canvas.place(cut, center: (cx, cy), size: 2.2 * r, random: &random)
                return
            }
            let (color, style) = randomLook(&random)
            let turns = random.uniform(0.15, 0.35)
            let (c, s) = Trig.cosSin(turns: turns)
            let length = r * random.float(1.2, 2.2)
            let end = (cx + Float(c) * length, cy + Float(s) * length)
            stem(on: canvas, from: (cx, cy), to: end, width: max(1.5, r * 0.14), color: RGB(0.25, 0.5, 0.2))
            if random.chance(0.7) {
                Greenery.leaf(on: canvas, cx: (cx + end.0) / 2 + r * 0.3, cy: (cy + end.1) / 2,
                              length: r * 0.9, width: r * 0.35, turns: turns - 0.12,
                              color: random.pick(Palette.leaves), random: &random)
            }
            rosette(on: canvas, cx: cx, cy: cy, r: r, color: color, style: style, random: &random)
        }
    }
}
