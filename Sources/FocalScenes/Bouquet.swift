import FocalNumerics

/// The `bouquet` element: a tight dome of flowers (often in one to three
/// coordinated colours, with filler and a few leaves at the rim), stems that
/// converge into a wrapped handle, and a hand holding it.
///
/// The hand and arm are drawn with the bouquet but left out of its mask: they
/// are what *holds* the bouquet, and a box around a bouquet should not run up
/// an arm to the edge of the picture.
public enum Bouquet {
    /// Who holds it.
    public enum Holder: Sendable {
        /// A person in the scene whose arms already reach the handle: draw only the hand.
        case person(skin: RGB)
        /// Someone outside the picture: an arm from this scene point to the handle.
        case arm(from: (Float, Float), skin: RGB, sleeve: RGB)
    }

    /// Where the handle (and so the hands) is for a dome at (`cx`, `cy`) of radius `r`.
    public static func handle(cx: Float, cy: Float, r: Float) -> (Float, Float) {
        (cx, cy + 1.35 * r)
    }

    /// The box the bouquet itself (without the arm) may cover.
    public static func extent(cx: Float, cy: Float, r: Float) -> Box {
        Box(x0: cx - 1.25 * r, y0: cy - 1.25 * r, x1: cx + 1.25 * r, y1: cy + 2.1 * r)
    }

    public static func draw(on canvas: Canvas, cx: Float, cy: Float, r: Float, holder: Holder,
                            random: inout SplitMix64, cutouts: Cutouts?) {
        canvas.element("bouquet") {
            let grip = handle(cx: cx, cy: cy, r: r)
            let skin: RGB
            switch holder {
            case .person(let s):
                skin = s
            case .arm(let from, let s, let sleeve):
                skin = s
                canvas.unmasked { drawArm(on: canvas, from: from, grip: grip, r: r, skin: s, sleeve: sleeve) }
            }
            if let cut = cutouts?.pick("bouquet", &random) {
                canvas.place(cut, center: (cx, cy + 0.4 * r), size: 2.7 * r, random: &random)
            } else {
                drawArrangement(on: canvas, cx: cx, cy: cy, r: r, grip: grip, random: &random)
            }
            canvas.unmasked { drawFist(on: canvas, grip: grip, r: r, skin: skin, random: &random) }
        }
    }

    /// An arm reaching in with an empty fist where a bouquet of radius `r` at
    /// (`cx`, `cy`) would be held: not an element (no mask, no label). In real
    /// photos arms come without bouquets too; scenes with these teach a head
    /// that an arm alone is no bouquet.
    public static func emptyHand(on canvas: Canvas, cx: Float, cy: Float, r: Float, from: (Float, Float), skin: RGB, sleeve: RGB,
                                 random: inout SplitMix64) {
        let grip = handle(cx: cx, cy: cy, r: r)
        drawArm(on: canvas, from: from, grip: grip, r: r, skin: skin, sleeve: sleeve)
        drawFist(on: canvas, grip: grip, r: r, skin: skin, random: &random)
    }

    static func drawArm(on canvas: Canvas, from: (Float, Float), grip: (Float, Float), r: Float, skin: RGB, sleeve: RGB) {
        let arm = Capsule(from.0, from.1, grip.0, grip.1 + 0.1 * r, r0: 0.32 * r, r1: 0.24 * r)
        canvas.fill(arm.bounds) { x, y in
            let (d, t) = arm.distance(x, y)
            let cov = coverage(d)
            if cov <= 0 { return .none }
            let c = t < 0.75 ? sleeve : skin
            return Paint(cov, c.scaled(0.8 + 0.2 * clamp01(-d / (0.3 * r))))
        }
    }

    /// The fist round the handle, fingers as creases.
    static func drawFist(on canvas: Canvas, grip: (Float, Float), r: Float, skin: RGB, random: inout SplitMix64) {
        let fist = Ellipse(cx: grip.0, cy: grip.1 + 0.05 * r, rx: 0.3 * r, ry: 0.24 * r, turns: random.uniform(-0.03, 0.03))
        canvas.fill(fist.bounds) { x, y in
            let d = fist.distance(x, y)
            let cov = coverage(d)
            if cov <= 0 { return .none }
            let (u, v) = fist.unit(x, y)
            let crease = abs(u * 2 - (u * 2).rounded()) < 0.06 && v > -0.6 ? Float(0.72) : 1
            return Paint(cov, skin.scaled((0.95 - 0.12 * v * v) * crease))
        }
    }

    static func drawArrangement(on canvas: Canvas, cx: Float, cy: Float, r: Float, grip: (Float, Float),
                                random: inout SplitMix64) {
        let stemGreen = RGB(random.float(0.2, 0.35), random.float(0.4, 0.55), random.float(0.15, 0.25))
        // Stems: from under the dome through the grip, fanning out below it.
        let stems = random.int(6...10)
        for i in 0..<stems {
            let t = (Float(i) + 0.5) / Float(stems) - 0.5
            let top = (cx + t * 1.1 * r, cy + 0.35 * r)
            let bottom = (grip.0 - t * 0.5 * r, grip.1 + 0.65 * r + random.float(-0.1, 0.1) * r)
            Flower.stem(on: canvas, from: top, to: bottom, width: max(1.2, 0.07 * r), color: stemGreen.scaled(random.float(0.85, 1.1)))
        }
        // Ribbon wrap round the handle, with two tails.
        let ribbon = random.pick([RGB(0.97, 0.97, 0.95), RGB(0.95, 0.9, 0.8), RGB(0.9, 0.7, 0.75), RGB(0.5, 0.1, 0.2),
                                  RGB(0.75, 0.8, 0.9), RGB(0.85, 0.75, 0.55)])
        for (dx, len) in [(-0.12 * r, 0.75 * r), (0.1 * r, 0.65 * r)] {
            let tail = Capsule(grip.0 + dx, grip.1, grip.0 + dx * 2.5, grip.1 + len, r0: 0.06 * r)
            canvas.fill(tail.bounds) { x, y in
                let cov = coverage(tail.distance(x, y).0)
                return cov > 0 ? Paint(cov, ribbon.scaled(0.85)) : .none
            }
        }
        let wrap = Capsule(grip.0, grip.1 - 0.32 * r, grip.0, grip.1 + 0.3 * r, r0: 0.21 * r, r1: 0.17 * r)
        canvas.fill(wrap.bounds) { x, y in
            let (d, _) = wrap.distance(x, y)
            let cov = coverage(d)
            if cov <= 0 { return .none }
            let across = (x - grip.0) / (0.21 * r)
            return Paint(cov, ribbon.scaled(0.8 + 0.3 * (1 - across * across) - 0.15 * smoothstep(-1.5, 0, d)))
        }
        // Leaves peeking out at the rim.
        if random.chance(0.7) {
            let green = random.pick(Palette.leaves)
            let n = random.int(4...8)
            for i in 0..<n {
                let turns = 0.5 + (Double(i) + 0.5) / Double(n) * 0.5 + random.uniform(-0.03, 0.03) + (i % 2 == 0 ? 0 : 0.5)
                let (c, s) = Trig.cosSin(turns: turns)
                Greenery.leaf(on: canvas, cx: cx + Float(c) * 0.95 * r, cy: cy + Float(s) * 0.85 * r,
                              length: 0.55 * r, width: 0.22 * r, turns: turns, color: green, random: &random)
            }
        }
        // A dark underlayer so that gaps between blooms read as depth, not background.
        let dome = Ellipse(cx: cx, cy: cy, rx: r * 0.98, ry: r * 0.9)
        let depth = stemGreen.scaled(0.45)
        canvas.fill(dome.bounds) { x, y in
            let cov = coverage(dome.distance(x, y))
            return cov > 0 ? Paint(cov, depth) : .none
        }
        // Filler (baby's breath): tiny white dots.
        if random.chance(0.6) {
            for _ in 0..<random.int(15...30) {
                let a = random.unit(), rad = r * 0.95 * Float(random.unit()).squareRoot()
                let (c, s) = Trig.cosSin(turns: a)
                let dot = Ellipse(cx: cx + Float(c) * rad, cy: cy + Float(s) * rad * 0.9, rx: max(0.8, 0.05 * r), ry: max(0.8, 0.05 * r))
                canvas.fill(dot.bounds) { x, y in
                    let cov = coverage(dot.distance(x, y))
                    return cov > 0 ? Paint(cov, RGB(0.97, 0.97, 0.95)) : .none
                }
            }
        }
        // Blooms on a golden-angle spiral, outermost first so the centre sits on top.
        let count = random.int(8...15)
        let colors = (0..<random.int(1...3)).map { _ in Flower.randomLook(&random).0 }
        let style = random.pick(Flower.Style.allCases)
        let bloom = r * 1.05 / Float(count).squareRoot()
        for i in stride(from: count - 1, through: 0, by: -1) {
            let rad = (r - bloom * 0.8) * (Float(i) + 0.5).squareRoot() / Float(count).squareRoot()
            let (c, s) = Trig.cosSin(turns: Double(i) * 0.381966)
            let size = bloom * random.float(0.95, 1.2)
            Flower.rosette(on: canvas, cx: cx + Float(c) * rad, cy: cy + Float(s) * rad * 0.9, r: size,
                           color: colors[i % colors.count], style: random.chance(0.8) ? style : .rose, random: &random)
        }
    }
}
