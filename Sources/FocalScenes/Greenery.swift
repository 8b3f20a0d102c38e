import FocalNumerics

/// Greenery: foliage made of many leaf shapes in greens, on thin branches:
/// a bush, a garland across the top, or a hanging vine. One cluster is one
/// `greenery` element instance.
public enum Greenery {
    /// One leaf: a pointed lens with a lighter midrib, side veins and a
    /// light-to-dark gradient along its length.
    public static func leaf(on canvas: Canvas, cx: Float, cy: Float, length: Float, width: Float,
                            turns: Double, color: RGB, random: inout SplitMix64) {
        let lens = Lens(cx: cx, cy: cy, length: length, width: width, turns: turns)
        let shade = random.float(0.75, 1.15)
        let tone = color.scaled(shade)
        let rib = tone.mixed(RGB(0.85, 0.95, 0.7), 0.45)
        canvas.fill(lens.bounds) { x, y in
            let d = lens.distance(x, y)
            let cov = coverage(d)
            if cov <= 0 { return .none }
            let (u, v) = lens.local(x, y)
            let av = v < 0 ? -v : v
            var c = tone.scaled(0.8 + 0.25 * (u + 1) / 2 - 0.2 * av)
            // Midrib and chevron veins, about a pixel wide whatever the leaf size.
            let ribWidth = 0.9 / max(lens.halfWidth, 1)
            if av < ribWidth { c = rib }
            let chevron = (u * 4 - av * 2.2) - (u * 4 - av * 2.2).rounded(.down)
            if chevron < 0.12 && av > ribWidth { c = c.mixed(rib, 0.35) }
            c = c.scaled(1 - 0.3 * smoothstep(-1.4, 0, d))
            return Paint(cov, c)
        }
    }

    public enum Form: CaseIterable, Sendable {
        case bush, garland, vine
    }

    /// The box (scene coordinates) a cluster of `form` will occupy around `anchor`.
    /// Leaves are placed along branches grown from the anchor; the cluster's
    /// extent is about `extent` pixels.
    public static func cluster(on canvas: Canvas, form: Form, cx: Float, cy: Float, extent: Float,
                               random: inout SplitMix64, cutouts: Cutouts?) {
        canvas.element("greenery") {
            if let cut = cutouts?.pick("greenery", &random) {
                canvas.place(cut, center: (cx, cy), size: extent, random: &random)
                return
            }
            let greens = [random.pick(Palette.leaves), random.pick(Palette.leaves)]
            let leafLength = extent * random.float(0.13, 0.19)
            let branch = RGB(0.3, 0.35, 0.18)
            // Branch lines: (start, end) pairs.
            var branches: [((Float, Float), (Float, Float))] = []
            switch form {
            case .bush:
                for _ in 0..<random.int(5...8) {
                    let t = random.uniform(-0.45, -0.05)
                    let (c, s) = Trig.cosSin(turns: t)
                    let len = extent * random.float(0.25, 0.5)
                    branches.append(((cx, cy + extent * 0.25), (cx + Float(c) * len, cy + extent * 0.25 + Float(s) * len)))
                }
            case .garland:
                let n = 5
                var prev = (cx - extent / 2, cy)
                for i in 1...n {
                    let t = Float(i) / Float(n)
                    let sag = 4 * t * (1 - t) * extent * 0.18
                    let next = (cx - extent / 2 + extent * t, cy + sag)
                    branches.append((prev, next))
                    prev = next
                }
            case .vine:
                for _ in 0..<random.int(2...3) {
                    let x = cx + random.float(-0.2, 0.2) * extent
                    branches.append(((x, cy - extent / 2), (x + random.float(-0.15, 0.15) * extent, cy + extent / 2)))
                }
            }
            for (a, b) in branches {
                Flower.stem(on: canvas, from: a, to: b, width: max(1.2, extent * 0.012), color: branch)
            }
            for (a, b) in branches {
                let dx = b.0 - a.0, dy = b.1 - a.1
                let len = (dx * dx + dy * dy).squareRoot()
                let count = max(3, Int(len / (leafLength * 0.45)))
                for i in 0..<count {
                    let t = (Float(i) + random.float(0.2, 0.8)) / Float(count)
                    let side: Double = i % 2 == 0 ? 0.2 : -0.2
                    let base = (a.0 + dx * t, a.1 + dy * t)
                    let dirTurns = dirTurnsOf(dx, dy) + side + random.uniform(-0.08, 0.08)
                    let (c, s) = Trig.cosSin(turns: dirTurns)
                    let l = leafLength * random.float(0.7, 1.2)
                    leaf(on: canvas, cx: base.0 + Float(c) * l * 0.5, cy: base.1 + Float(s) * l * 0.5,
                         length: l, width: l * random.float(0.35, 0.55), turns: dirTurns,
                         color: random.pick(greens), random: &random)
                }
            }
        }
    }

    /// The direction of a vector in turns, by octant and a rational arctangent
    /// approximation (no `atan2`, whose last bits vary between libraries).
    static func dirTurnsOf(_ dx: Float, _ dy: Float) -> Double {
        let ax = Double(abs(dx)), ay = Double(abs(dy))
        if ax == 0 && ay == 0 { return 0 }
        let (small, large) = ax < ay ? (ax, ay) : (ay, ax)
        let z = small / large
        // atan(z) for z in 0...1, within 0.005 rad.
        var a = z * (0.7853981633974483 + 0.273 * (1 - z)) / 6.283185307179586
        if ay > ax { a = 0.25 - a }
        if dx < 0 { a = 0.5 - a }
        if dy < 0 { a = -a }
        return a
    }
}
