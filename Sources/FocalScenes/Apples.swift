import FocalNumerics

/// `apples`: the bias lesson. A model trained only on green apples (the
/// default `--train-red 0`) meets red ones in the test split (`--test-red 0.5`)
/// and misses them, or takes red tomatoes for apples once it has seen red ones.
///
/// `apple` is present in exactly `appleRate` of every split's images; of those,
/// exactly the split's red rate have red apples (all apples in an image share a
/// colour, so the rate is measured per image). Other fruit (orange, banana,
/// lemon, pear, grapes, tomato) fill the scenes, with and without apples.
public struct Apples: Scenario {
    public var appleRate: Double
    public var redRate: [Split: Double]

    public init(appleRate: Double = 0.5, redRate: [Split: Double] = [.train: 0, .test: 0.5, .pool: 0.5]) {
        self.appleRate = appleRate
        self.redRate = redRate
    }

    public struct Plan: Sendable, Equatable {
        public var apples = 0
        public var red = false
        public var others: [Fruit] = []
    }

    public var name: String { "apples" }
    public var concepts: [String] { Fruit.allCases.map(\.rawValue) }
    public var elements: [String] { concepts }
    public var extraColumns: [String] { ["apple_color"] }
    public var knobs: [String: Any] {
        ["apple_rate": appleRate, "train_red": redRate[.train] ?? 0, "test_red": redRate[.test] ?? 0,
         "pool_red": redRate[.pool] ?? 0]
    }

    public func present(_ plan: Plan) -> Set<String> {
        var set = Set(plan.others.map(\.rawValue))
        if plan.apples > 0 { set.insert("apple") }
        return set
    }

    public func extras(_ plan: Plan) -> [String] {
        [plan.apples == 0 ? "" : (plan.red ? "red" : "green")]
    }

    public func plan(split: Split, count: Int, random: inout SplitMix64) -> [Plan] {
        let withApples = random.exactly(appleRate, of: count)
        let red = random.exactly(redRate[split] ?? 0.5, of: withApples.filter { $0 }.count)
        var plans: [Plan] = []
        var k = 0
        for has in withApples {
            var plan = Plan()
            if has {
                plan.apples = random.int(1...4)
                plan.red = red[k]
                k += 1
            }
            let others = has ? random.int(0...3) : random.int(2...5)
            plan.others = (0..<others).map { _ in random.pick(Fruit.others) }
            plans.append(plan)
        }
        return plans
    }

    public func render(_ plan: Plan, on canvas: Canvas, random: inout SplitMix64, cutouts: Cutouts?) {
        let s = canvas.size
        if let photo = cutouts?.pick("background", &random) {
            canvas.placeBackground(photo)
        } else if random.chance(0.5) {
            // A table seen from above.
            Background.random(&random, from: [.wood, .wood, .wall, .studio]).draw(on: canvas, random: &random)
        } else {
            drawTableScene(on: canvas, random: &random)
        }
        // Fruit sizes and non-overlapping spots, drawn back (top) to front (bottom).
        var fruit: [(Fruit, Float)] = Array(repeating: (.apple, 0), count: plan.apples) + plan.others.map { ($0, 0) }
        random.shuffleDrawingInts(&fruit)
        let scale = fruit.count > 4 ? random.float(0.07, 0.095) : random.float(0.085, 0.13)
        var spots: [(Fruit, Float, Float, Float)] = []
        for (kind, _) in fruit {
            let r = s * scale * random.float(0.85, 1.15)
            var best: (Float, Float)? = nil
            for _ in 0..<40 {
                let x = s * random.float(0.14, 0.86), y = s * random.float(0.22, 0.84)
                if spots.allSatisfy({ (($0.1 - x) * ($0.1 - x) + ($0.2 - y) * ($0.2 - y)).squareRoot() > 0.95 * ($0.3 + r) }) {
                    best = (x, y)
                    break
                }
            }
            let (x, y) = best ?? (s * random.float(0.2, 0.8), s * random.float(0.3, 0.8))
            spots.append((kind, x, y, r))
        }
        spots.sort { $0.2 < $1.2 }
        for (kind, x, y, r) in spots {
            // A soft contact shadow, then the fruit.
            let shadow = Ellipse(cx: x + 0.15 * r, cy: y + 0.85 * r, rx: 0.9 * r, ry: 0.25 * r)
            canvas.fill(shadow.bounds, opacity: 0.35) { px, py in
                Paint(clamp01(-shadow.distance(px, py) / (0.3 * r) + 0.3), .black)
            }
            kind.draw(on: canvas, cx: x, cy: y, r: r, red: plan.red, random: &random, cutouts: cutouts)
        }
        Lighting.random(&random).apply(to: canvas)
        canvas.addNoise(random.float(0.005, 0.02), chroma: 0.01, random: &random)
        canvas.jpegQuality = 90
    }

    /// A wall above a table edge, the fruit standing on the table.
    func drawTableScene(on canvas: Canvas, random: inout SplitMix64) {
        let s = canvas.size
        let edge = s * random.float(0.15, 0.3)
        let wall = RGB(random.float(0.5, 0.95), random.float(0.5, 0.92), random.float(0.45, 0.9))
        let cloth = random.chance(0.5)
        let table = cloth ? RGB(random.float(0.3, 1), random.float(0.3, 1), random.float(0.3, 1))
                          : RGB(random.float(0.45, 0.7), random.float(0.28, 0.45), random.float(0.12, 0.25))
        let check = s * random.float(0.06, 0.12)
        let noise = Noise(&random)
        canvas.fillAll { x, y in
            if y < edge { return wall.scaled(0.85 + 0.1 * noise.value(x / 20, y / 20)) }
            if cloth {
                let cx = (x / check).rounded(.down), cy = ((y - edge) / check).rounded(.down)
                let odd = (Int(cx) + Int(cy)) & 1 == 1
                return (odd ? table : .white).scaled(0.85 + 0.1 * noise.value(x / 3, y / 3))
            }
            return table.scaled(0.8 + 0.35 * noise.fractal(x / 40, y / 2.5, octaves: 2))
        }
    }
}
