import FocalNumerics

/// Fruit for the `apples` scenario. Apples come red or green; the other
/// fruits include look-alikes on purpose: a green pear next to green apples, a
/// red tomato next to red apples, so that colour alone does not say "apple".
public enum Fruit: String, CaseIterable, Sendable {
    case apple, orange, banana, lemon, pear, grapes, tomato

    public static let others: [Fruit] = [.orange, .banana, .lemon, .pear, .grapes, .tomato]

    /// Draws one fruit of radius about `r` as its own element instance.
    public func draw(on canvas: Canvas, cx: Float, cy: Float, r: Float, red: Bool,
                     random: inout SplitMix64, cutouts: Cutouts?) {
        canvas.element(rawValue) {
            if let cut = cutouts?.pick(rawValue, &random) {
                canvas.place(cut, center: (cx, cy), size: 2.1 * r, random: &random)
                return
            }
            let noise = Noise(&random)
            switch self {
            case .apple: Fruit.apple(canvas, cx, cy, r, red: red, noise, &random)
            case .orange: Fruit.round(canvas, cx, cy, r, RGB(0.98, 0.55, 0.08), pits: true, noise)
            case .tomato: Fruit.tomato(canvas, cx, cy, r, noise, &random)
            case .lemon: Fruit.lemon(canvas, cx, cy, r, noise, &random)
            case .banana: Fruit.banana(canvas, cx, cy, r, noise, &random)
            case .pear: Fruit.pear(canvas, cx, cy, r, noise, &random)
            case .grapes: Fruit.grapes(canvas, cx, cy, r, &random)
            }
        }
    }

    /// Sphere-like shading: light from the upper left, darker rim, a soft highlight.
    @inline(__always)
    static func shade(_ u: Float, _ v: Float, _ d: Float, _ base: RGB) -> RGB {
        let lx = u + 0.35, ly = v + 0.4
        let light = 1.05 - 0.35 * (lx * lx + ly * ly)
        let highlight = 0.5 * clamp01(1 - ((u + 0.35) * (u + 0.35) + (v + 0.45) * (v + 0.45)) * 18)
        return base.scaled(max(0.35, light)).mixed(.white, highlight).scaled(1 - 0.2 * smoothstep(-1.5, 0, d))
    }

    static func apple(_ canvas: Canvas, _ cx: Float, _ cy: Float, _ r: Float, red: Bool, _ noise: Noise,
                      _ random: inout SplitMix64) {
        let base = red ? RGB(random.float(0.65, 0.85), random.float(0.05, 0.15), random.float(0.05, 0.12))
                       : RGB(random.float(0.5, 0.68), random.float(0.75, 0.88), random.float(0.18, 0.3))
        let streak = red ? RGB(0.95, 0.7, 0.25) : RGB(0.85, 0.9, 0.45)
        // Two lobes at the shoulders over a slightly narrower base, and a dimple at the top.
        let left = Ellipse(cx: cx - 0.22 * r, cy: cy - 0.05 * r, rx: 0.8 * r, ry: 0.88 * r)
        let right = Ellipse(cx: cx + 0.22 * r, cy: cy - 0.05 * r, rx: 0.8 * r, ry: 0.88 * r)
        let bottom = Ellipse(cx: cx, cy: cy + 0.15 * r, rx: 0.82 * r, ry: 0.8 * r)
        let dimple = Ellipse(cx: cx, cy: cy - 0.98 * r, rx: 0.2 * r, ry: 0.16 * r)
        let body = Ellipse(cx: cx, cy: cy, rx: r, ry: r)
        canvas.fill(body.bounds.padded(0.1 * r)) { x, y in
            let d = max(min(left.distance(x, y), min(right.distance(x, y), bottom.distance(x, y))), -dimple.distance(x, y))
            let cov = coverage(d)
            if cov <= 0 { return .none }
            let u = (x - cx) / r, v = (y - cy) / r
            // Streaks run from the stem down the sides; lenticels are pale dots.
            let s = noise.value(u * 14 / max(0.25, 1.2 - v), v * 1.5)
            var c = base.mixed(streak, red ? 0.35 * s * s : 0.25 * s)
            if noise.cell(x / 2.2, y / 2.2) > 0.96 { c = c.mixed(RGB(0.95, 0.95, 0.8), 0.5) }
            return Paint(cov, shade(u, v, d, c))
        }
        let stem = Capsule(cx, cy - 0.85 * r, cx + random.float(0.05, 0.2) * r, cy - 1.25 * r, r0: 0.06 * r, r1: 0.04 * r)
        canvas.fill(stem.bounds) { x, y in
            let cov = coverage(stem.distance(x, y).0)
            return cov > 0 ? Paint(cov, RGB(0.35, 0.22, 0.1)) : .none
        }
        if random.chance(0.4) {
            Greenery.leaf(on: canvas, cx: cx + 0.35 * r, cy: cy - 1.12 * r, length: 0.6 * r, width: 0.26 * r,
                          turns: -0.05, color: RGB(0.3, 0.6, 0.2), random: &random)
        }
    }

    static func round(_ canvas: Canvas, _ cx: Float, _ cy: Float, _ r: Float, _ base: RGB, pits: Bool, _ noise: Noise) {
        let body = Ellipse(cx: cx, cy: cy, rx: r, ry: r * 0.97)
        canvas.fill(body.bounds) { x, y in
            let d = body.distance(x, y)
            let cov = coverage(d)
            if cov <= 0 { return .none }
            let pit = pits ? 0.9 + 0.12 * noise.value(x / 1.2, y / 1.2) : 1
            return Paint(cov, shade((x - cx) / r, (y - cy) / r, d, base.scaled(pit)))
        }
    }

    static func tomato(_ canvas: Canvas, _ cx: Float, _ cy: Float, _ r: Float, _ noise: Noise, _ random: inout SplitMix64) {
        let body = Ellipse(cx: cx, cy: cy, rx: r * 1.05, ry: r * 0.88)
        let base = RGB(random.float(0.8, 0.95), random.float(0.1, 0.2), random.float(0.05, 0.1))
        canvas.fill(body.bounds) { x, y in
            let d = body.distance(x, y)
            let cov = coverage(d)
            if cov <= 0 { return .none }
            let u = (x - cx) / r, v = (y - cy) / r
            // Shallow lobes.
            let lobe: Float = 0.92 + 0.08 * abs(u * 3 - (u * 3).rounded())
            return Paint(cov, shade(u, v, d, base.scaled(lobe)))
        }
        let green = RGB(0.2, 0.5, 0.15)
        for i in 0..<5 {
            let t = Double(i) / 5 + random.uniform(0, 0.05)
            let (c, s) = Trig.cosSin(turns: t)
            Greenery.leaf(on: canvas, cx: cx + Float(c) * 0.22 * r, cy: cy - 0.72 * r + Float(s) * 0.1 * r,
                          length: 0.45 * r, width: 0.12 * r, turns: t, color: green, random: &random)
        }
    }

    static func lemon(_ canvas: Canvas, _ cx: Float, _ cy: Float, _ r: Float, _ noise: Noise, _ random: inout SplitMix64) {
        let turns = random.uniform(-0.1, 0.1)
        let body = Ellipse(cx: cx, cy: cy, rx: 1.1 * r, ry: 0.78 * r, turns: turns)
        let tips = Lens(cx: cx, cy: cy, length: 2.5 * r, width: 0.7 * r, turns: turns)
        let base = RGB(0.98, 0.88, 0.2)
        canvas.fill(body.bounds.union(tips.bounds)) { x, y in
            let d = min(body.distance(x, y), tips.distance(x, y))
            let cov = coverage(d)
            if cov <= 0 { return .none }
            let pit: Float = 0.92 + 0.1 * noise.value(x / 1.3, y / 1.3)
            return Paint(cov, shade((x - cx) / (1.1 * r), (y - cy) / (0.8 * r), d, base.scaled(pit)))
        }
    }

    static func banana(_ canvas: Canvas, _ cx: Float, _ cy: Float, _ r: Float, _ noise: Noise, _ random: inout SplitMix64) {
        // A crescent: a disc minus a shifted disc, with dark tips.
        let outer = Ellipse(cx: cx, cy: cy - 0.4 * r, rx: 1.4 * r, ry: 1.2 * r)
        let inner = Ellipse(cx: cx, cy: cy - 0.85 * r, rx: 1.5 * r, ry: 1.2 * r)
        let ripe = RGB(random.float(0.9, 1), random.float(0.78, 0.88), random.float(0.15, 0.3))
        canvas.fill(outer.bounds) { x, y in
            let d = max(outer.distance(x, y), -inner.distance(x, y))
            let cov = coverage(d)
            if cov <= 0 { return .none }
            let u = (x - cx) / (1.4 * r)
            let tip = smoothstep(0.8, 0.95, abs(u))
            let fleck: Float = noise.cell(x / 1.8, y / 1.8) > 0.93 ? 0.6 : 1
            return Paint(cov, ripe.scaled(fleck * (1 - 0.25 * smoothstep(-2, 0, d))).mixed(RGB(0.3, 0.22, 0.1), tip))
        }
    }

    static func pear(_ canvas: Canvas, _ cx: Float, _ cy: Float, _ r: Float, _ noise: Noise, _ random: inout SplitMix64) {
        let top = Ellipse(cx: cx, cy: cy - 0.55 * r, rx: 0.5 * r, ry: 0.6 * r)
        let bottom = Ellipse(cx: cx, cy: cy + 0.3 * r, rx: 0.85 * r, ry: 0.75 * r)
        let base = random.chance(0.6) ? RGB(0.6, 0.78, 0.25) : RGB(0.88, 0.8, 0.3)
        canvas.fill(top.bounds.union(bottom.bounds)) { x, y in
            // Smooth union so the neck flows into the body.
            let a = top.distance(x, y), b = bottom.distance(x, y)
            let k = 0.3 * r
            let hmix = clamp01(0.5 + 0.5 * (b - a) / k)
            let d = b + (a - b) * hmix - k * hmix * (1 - hmix)
            let cov = coverage(d)
            if cov <= 0 { return .none }
            let speck: Float = noise.cell(x / 1.7, y / 1.7) > 0.9 ? 0.85 : 1
            return Paint(cov, shade((x - cx) / r, (y - cy - 0.2 * r) / r, d, base.scaled(speck)))
        }
        let stem = Capsule(cx, cy - 1.1 * r, cx + 0.1 * r, cy - 1.45 * r, r0: 0.05 * r)
        canvas.fill(stem.bounds) { x, y in
            let cov = coverage(stem.distance(x, y).0)
            return cov > 0 ? Paint(cov, RGB(0.35, 0.25, 0.12)) : .none
        }
    }

    static func grapes(_ canvas: Canvas, _ cx: Float, _ cy: Float, _ r: Float, _ random: inout SplitMix64) {
        let base = random.chance(0.5) ? RGB(0.35, 0.12, 0.35) : RGB(0.65, 0.8, 0.35)
        let g = 0.24 * r
        var berries: [(Float, Float)] = []
        for row in 0..<5 {
            let n = 5 - row
            for k in 0..<n {
                let x = cx + (Float(k) - Float(n - 1) / 2) * 1.7 * g + random.float(-0.2, 0.2) * g
                berries.append((x, cy - 0.7 * r + Float(row) * 1.55 * g))
            }
        }
        for (x0, y0) in berries {
            let berry = Ellipse(cx: x0, cy: y0, rx: g, ry: g * 1.1)
            canvas.fill(berry.bounds) { x, y in
                let d = berry.distance(x, y)
                let cov = coverage(d)
                return cov > 0 ? Paint(cov, shade((x - x0) / g, (y - y0) / g, d, base)) : .none
            }
        }
    }
}
