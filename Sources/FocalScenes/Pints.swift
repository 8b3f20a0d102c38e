import FocalNumerics

/// `pints`: the lesson on representative data. A model that learnt "perfect
/// pint" from studio shots (clean light, centred, sharp) is tested on phone
/// snaps (tilted, blurred, noisy, cluttered, dim, JPEG-blocky), the pictures it
/// will actually be shown.
///
/// Exactly `perfectRate` of each split is a perfect pint; the others are split
/// evenly between flat, over-foamed and short pours. Each split has a style:
/// studio, phone, or mixed (exactly half each).
public struct Pints: Scenario {
    public enum Style: String, CaseIterable, Sendable {
        case studio, phone, mixed
    }

    public var perfectRate: Double
    public var styles: [Split: Style]

    public init(perfectRate: Double = 0.5, styles: [Split: Style] = [.train: .studio, .test: .phone, .pool: .mixed]) {
        self.perfectRate = perfectRate
        self.styles = styles
    }

    public struct Plan: Sendable, Equatable {
        public var pour: Pint.Pour = .perfect
        /// True for the phone style, false for studio.
        public var phone = false
    }

    public var name: String { "pints" }
    public var concepts: [String] { ["perfect_pint", "foam", "pint"] }
    public var elements: [String] { ["pint", "foam"] }
    public var extraColumns: [String] { ["style", "pour"] }
    public var knobs: [String: Any] {
        ["perfect_rate": perfectRate, "train_style": (styles[.train] ?? .studio).rawValue,
         "test_style": (styles[.test] ?? .phone).rawValue, "pool_style": (styles[.pool] ?? .mixed).rawValue]
    }

    public func present(_ plan: Plan) -> Set<String> {
        var set: Set<String> = ["pint"]
        if plan.pour == .perfect { set.insert("perfect_pint") }
        if plan.pour != .flat { set.insert("foam") }
        return set
    }

    public func extras(_ plan: Plan) -> [String] { [plan.phone ? "phone" : "studio", plan.pour.rawValue] }

    public func plan(split: Split, count: Int, random: inout SplitMix64) -> [Plan] {
        let perfect = random.exactly(perfectRate, of: count)
        let style = styles[split] ?? .mixed
        let phone = style == .mixed ? random.exactly(0.5, of: count) : [Bool](repeating: style == .phone, count: count)
        let flaws: [Pint.Pour] = [.flat, .foamy, .short]
        var k = random.int(0...2)
        return (0..<count).map { i in
            var plan = Plan(pour: .perfect, phone: phone[i])
            if !perfect[i] {
                plan.pour = flaws[k % 3]
                k += 1
            }
            return plan
        }
    }

    public func render(_ plan: Plan, on canvas: Canvas, random: inout SplitMix64, cutouts: Cutouts?) {
        let s = canvas.size
        let pint: Pint
        if plan.phone {
            canvas.setTilt(turns: (random.chance(0.5) ? 1 : -1) * random.uniform(0.01, 0.035))
            let height = s * random.float(0.36, 0.58)
            pint = Pint(cx: s * random.float(0.32, 0.68), baseY: s * random.float(0.62, 0.9), height: height, pour: plan.pour)
            if let photo = cutouts?.pick("background", &random) {
                canvas.placeBackground(photo)
            } else {
                drawBar(on: canvas, tableY: pint.baseY - height * random.float(0.1, 0.3), random: &random)
            }
            Clutter.draw(on: canvas, avoiding: pint.extent.padded(0.02 * s), random: &random)
        } else {
            let height = s * random.float(0.64, 0.74)
            pint = Pint(cx: s * random.float(0.48, 0.52), baseY: s * 0.5 + height / 2, height: height, pour: plan.pour)
            if let photo = cutouts?.pick("background", &random) {
                canvas.placeBackground(photo)
            } else {
                Background.studio.draw(on: canvas, random: &random)
            }
        }
        // Contact shadow.
        let shadow = Ellipse(cx: pint.cx + 0.05 * pint.height, cy: pint.baseY, rx: pint.bottomHalf * 1.5, ry: 0.04 * pint.height)
        canvas.fill(shadow.bounds, opacity: 0.3) { x, y in
            Paint(clamp01(-shadow.distance(x, y) / 3 + 0.3), .black)
        }
        pint.draw(on: canvas, random: &random, cutouts: cutouts)
        if plan.phone {
            Lighting.random(&random, dim: random.chance(0.6)).apply(to: canvas)
            canvas.blur(radius: max(1, Int((s / 256 * random.float(0.6, 2.2)).rounded())), passes: 2)
            canvas.addNoise(random.float(0.025, 0.06), chroma: 0.04, random: &random)
            canvas.jpegQuality = random.int(22...50)
        } else {
            Lighting(exposure: random.float(0.97, 1.05), warmth: random.float(-0.02, 0.02), slopeX: 0, slopeY: 0,
                     vignette: 0.1).apply(to: canvas)
            canvas.addNoise(0.004, chroma: 0, random: &random)
            canvas.jpegQuality = 94
        }
    }

    /// A pub: dark wall or party lights, a wooden bar top.
    func drawBar(on canvas: Canvas, tableY: Float, random: inout SplitMix64) {
        Background.random(&random, from: [.bokeh, .bricks, .wall]).draw(on: canvas, random: &random)
        let s = canvas.size
        let wood = RGB(random.float(0.3, 0.55), random.float(0.18, 0.32), random.float(0.08, 0.18))
        let noise = Noise(&random)
        canvas.fill(Box(x0: -s, y0: tableY, x1: 2 * s, y1: 2 * s)) { x, y in
            let cov = coverage(tableY - y)
            return Paint(cov, wood.scaled(0.75 + 0.4 * noise.fractal(x / 40, y / 2, octaves: 2)))
        }
    }
}
