import FocalNumerics

/// `wedding`: the lesson that a concept learnt from photos where it always
/// appears with the same context can end up detecting the context.
///
/// The concept is `bouquet`. In the training split, veil, greenery and loose
/// flowers each appear in exactly `contextWithBouquet` of the images with a
/// bouquet and `contextWithoutBouquet` of those without (each element assigned
/// separately), and a bouquet is the focal point (large, central, held by a
/// person, or by an arm from below when there is none) in `focalRate` of its
/// images and incidental (small, at the side, held by someone out of frame) in
/// the rest. The test split is decoupled: a
/// quarter each of bouquet with full wedding context (veil, greenery and
/// flowers), bouquet alone, full context without a bouquet, and neither, so a
/// model that learnt the context fires on the third group. The pool split is
/// unlabelled, with every element present in half the images independently.
///
/// A veil is always worn by a person, so `person` is present whenever `veil` is;
/// otherwise a person appears in `personRate` of the images. In `emptyHandRate`
/// of the images without a bouquet an arm reaches in with an empty hand where an
/// incidental bouquet would be held (0 by default, as in the shipped data, where
/// an arm therefore comes with every bouquet and with nothing else).
public struct Wedding: Scenario {
    public var contextWithBouquet: Double
    public var contextWithoutBouquet: Double
    public var focalRate: Double
    public var bouquetRate: Double
    public var personRate: Double
    public var emptyHandRate: Double

    public init(contextWithBouquet: Double = 0.9, contextWithoutBouquet: Double = 0.1, focalRate: Double = 0.5,
                bouquetRate: Double = 0.5, personRate: Double = 0.5, emptyHandRate: Double = 0) {
        self.contextWithBouquet = contextWithBouquet
        self.contextWithoutBouquet = contextWithoutBouquet
        self.focalRate = focalRate
        self.bouquetRate = bouquetRate
        self.personRate = personRate
        self.emptyHandRate = emptyHandRate
    }

    public static let contextElements = ["veil", "greenery", "flowers"]

    public struct Plan: Sendable, Equatable {
        public var bouquet = false
        /// Large and central (true) or small at the side (false); only with a bouquet.
        public var focal = false
        public var veil = false
        public var greenery = false
        public var flowers = false
        public var person = false

        public var contextCount: Int { (veil ? 1 : 0) + (greenery ? 1 : 0) + (flowers ? 1 : 0) }
        /// "wedding" (veil, greenery and flowers), "none", or "partial".
        public var context: String { contextCount == 3 ? "wedding" : (contextCount == 0 ? "none" : "partial") }
    }

    public var name: String { "wedding" }
    public var concepts: [String] { ["bouquet", "veil", "greenery", "flowers", "person"] }
    public var elements: [String] { concepts }
    public var extraColumns: [String] { ["context", "focal"] }
    public var knobs: [String: Any] {
        var knobs: [String: Any] = [
            "context_with_bouquet": contextWithBouquet, "context_without_bouquet": contextWithoutBouquet,
            "focal_rate": focalRate, "bouquet_rate": bouquetRate, "person_rate": personRate,
            "test": "decoupled: equal quarters of {bouquet, no bouquet} x {veil+greenery+flowers, none}",
            "pool": "every element in half the images, independently"]
        // Written only when used, so that the shipped folders' synth.json rebuild byte for byte.
        if emptyHandRate > 0 { knobs["empty_hand_rate"] = emptyHandRate }
        return knobs
    }

    public func present(_ plan: Plan) -> Set<String> {
        var set: Set<String> = []
        if plan.bouquet { set.insert("bouquet") }
        if plan.veil { set.insert("veil") }
        if plan.greenery { set.insert("greenery") }
        if plan.flowers { set.insert("flowers") }
        if plan.person { set.insert("person") }
        return set
    }

    public func extras(_ plan: Plan) -> [String] {
        [plan.context, plan.bouquet ? (plan.focal ? "focal" : "incidental") : ""]
    }

    public func plan(split: Split, count: Int, random: inout SplitMix64) -> [Plan] {
        var plans = [Plan](repeating: Plan(), count: count)
        switch split {
        case .train:
            let bouquets = random.exactly(bouquetRate, of: count)
            for i in 0..<count { plans[i].bouquet = bouquets[i] }
            let with = plans.indices.filter { plans[$0].bouquet }, without = plans.indices.filter { !plans[$0].bouquet }
            for (group, rate) in [(with, contextWithBouquet), (without, contextWithoutBouquet)] {
                let veil = random.exactly(rate, of: group.count)
                let greenery = random.exactly(rate, of: group.count)
                let flowers = random.exactly(rate, of: group.count)
                for (k, i) in group.enumerated() {
                    plans[i].veil = veil[k]; plans[i].greenery = greenery[k]; plans[i].flowers = flowers[k]
                }
            }
        case .test:
            // Equal quarters by construction: index mod 4 picks the cell, then shuffle.
            for i in 0..<count {
                plans[i].bouquet = i % 4 < 2
                let context = i % 2 == 0
                plans[i].veil = context; plans[i].greenery = context; plans[i].flowers = context
            }
        case .pool:
            let bouquets = random.exactly(0.5, of: count), veils = random.exactly(0.5, of: count)
            let greenery = random.exactly(0.5, of: count), flowers = random.exactly(0.5, of: count)
            for i in 0..<count {
                plans[i].bouquet = bouquets[i]; plans[i].veil = veils[i]
                plans[i].greenery = greenery[i]; plans[i].flowers = flowers[i]
            }
        }
        // Focal or incidental, exactly `focalRate` within each context level so
        // that focus does not leak into the decoupled groups.
        for context in [true, false] {
            let group = plans.indices.filter { plans[$0].bouquet && (plans[$0].contextCount > 0) == context }
            let focal = random.exactly(focalRate, of: group.count)
            for (k, i) in group.enumerated() { plans[i].focal = focal[k] }
        }
        let bare = plans.indices.filter { !plans[$0].veil }
        let people = random.exactly(personRate, of: bare.count)
        for i in plans.indices where plans[i].veil { plans[i].person = true }
        for (k, i) in bare.enumerated() { plans[i].person = people[k] }
        random.shuffleDrawingInts(&plans)
        return plans
    }

    public func render(_ plan: Plan, on canvas: Canvas, random: inout SplitMix64, cutouts: Cutouts?) {
        let s = canvas.size
        if let photo = cutouts?.pick("background", &random) {
            canvas.placeBackground(photo)
        } else {
            Background.random(&random).draw(on: canvas, random: &random)
        }

        // Lay out the bouquet and the person first; everything else avoids them.
        var bouquet: (cx: Float, cy: Float, r: Float, holder: Bouquet.Holder)?
        var person: Person?
        let outfit: Person.Outfit = plan.veil ? .bride : random.pick(Person.Outfit.allCases)
        if plan.bouquet && plan.focal {
            let r = s * random.float(0.15, 0.21)
            let cx = s * random.float(0.4, 0.6)
            let cy = plan.person ? s * random.float(0.5, 0.6) : s * random.float(0.4, 0.54)
            let grip = Bouquet.handle(cx: cx, cy: cy, r: r)
            if plan.person {
                // The face stays above the flowers: the chin just clears the top of the dome.
                let h = min(r * random.float(0.5, 0.62), (cy - 0.9 * r - 0.05 * s) / 2.05)
                var p = Person(cx: cx + random.float(-0.3, 0.3) * h, headY: cy - 0.9 * r - 1.05 * h, h: h,
                               outfit: outfit, random: &random)
                p.hands = grip
                person = p
                bouquet = (cx, cy, r, .person(skin: p.skin))
            } else {
                let skin = random.pick(Palette.skin)
                bouquet = (cx, cy, r, .arm(from: (cx + s * random.float(-0.15, 0.15), s * 1.08), skin: skin,
                                           sleeve: RGB(random.float(0.1, 0.95), random.float(0.1, 0.95), random.float(0.1, 0.95))))
            }
        } else if plan.person {
            let h = s * random.float(0.075, 0.11)
            person = Person(cx: s * random.float(0.32, 0.68), headY: s * random.float(0.2, 0.32), h: h,
                            outfit: outfit, random: &random)
        }
        if plan.bouquet && !plan.focal {
            let r = s * random.float(0.06, 0.085)
            let side: Int
            if let p = person { side = p.cx < s / 2 ? 1 : 0 } else { side = random.int(0...2) }
            let skin = random.pick(Palette.skin)
            let sleeve = RGB(random.float(0.1, 0.95), random.float(0.1, 0.95), random.float(0.1, 0.95))
            switch side {
            case 0, 1:
                let held = Self.heldFromSide(left: side == 0, r: r, size: s, random: &random)
                bouquet = (held.cx, held.cy, r, .arm(from: held.from, skin: skin, sleeve: sleeve))
            default:
                let cx = s * random.float(0.25, 0.75), cy = s * random.float(0.62, 0.7)
                bouquet = (cx, cy, r, .arm(from: (cx + s * random.float(-0.2, 0.2), 1.08 * s), skin: skin, sleeve: sleeve))
            }
        }
        // An empty hand where an incidental bouquet would be held. The rate is
        // tested first so that at 0 no random number is drawn (the shipped data stay the same).
        var emptyHand: (cx: Float, cy: Float, r: Float, from: (Float, Float), skin: RGB, sleeve: RGB)?
        if !plan.bouquet && emptyHandRate > 0 && random.chance(emptyHandRate) {
            let r = s * random.float(0.06, 0.085)
            let left = person.map { $0.cx >= s / 2 } ?? random.chance(0.5)
            let held = Self.heldFromSide(left: left, r: r, size: s, random: &random)
            emptyHand = (held.cx, held.cy, r, held.from, random.pick(Palette.skin),
                         RGB(random.float(0.1, 0.95), random.float(0.1, 0.95), random.float(0.1, 0.95)))
        }
        let bouquetBox = bouquet.map { Bouquet.extent(cx: $0.cx, cy: $0.cy, r: $0.r) }

        // Greenery behind everything: one or two clusters of different forms.
        var greeneryCentres: [(Float, Float)] = []
        if plan.greenery {
            var forms = random.shuffledDrawingInts(Greenery.Form.allCases)
            forms = Array(forms.prefix(random.chance(0.6) ? 1 : 2))
            for form in forms {
                let left = random.chance(0.5)
                let (cx, cy, extent): (Float, Float, Float)
                switch form {
                case .garland: (cx, cy, extent) = (s * random.float(0.4, 0.6), s * random.float(0.1, 0.2), s * random.float(0.6, 0.85))
                case .bush: (cx, cy, extent) = (s * (left ? random.float(0.15, 0.32) : random.float(0.68, 0.85)),
                                                s * random.float(0.6, 0.75), s * random.float(0.32, 0.48))
                case .vine: (cx, cy, extent) = (s * (left ? random.float(0.1, 0.2) : random.float(0.8, 0.9)),
                                                s * random.float(0.35, 0.5), s * random.float(0.45, 0.65))
                }
                Greenery.cluster(on: canvas, form: form, cx: cx, cy: cy, extent: extent, random: &random, cutouts: cutouts)
                greeneryCentres.append((cx, cy))
            }
        }

        if let p = person {
            p.draw(on: canvas, random: &random, cutouts: cutouts)
            if plan.veil { p.drawVeil(on: canvas, random: &random, cutouts: cutouts) }
        }

        // Loose flowers: on the ground or table, or tucked into the greenery; never under the bouquet.
        if plan.flowers {
            var placed: [(Float, Float, Float)] = []
            let count = random.int(3...5)
            var tries = 0
            while placed.count < count && tries < 40 {
                tries += 1
                let r = s * random.float(0.05, 0.085)
                var x = s * random.float(0.12, 0.88), y = s * random.float(0.58, 0.86)
                if let g = greeneryCentres.first, random.chance(0.3) {
                    x = g.0 + s * random.float(-0.12, 0.12); y = g.1 + s * random.float(-0.08, 0.08)
                }
                x = min(max(x, 0.08 * s + r), 0.92 * s - r); y = min(max(y, 0.08 * s + r), 0.92 * s - r)
                if let b = bouquetBox, x + 1.3 * r > b.x0 && x - 1.3 * r < b.x1 && y + 1.3 * r > b.y0 && y - 1.3 * r < b.y1 { continue }
                if placed.contains(where: { (($0.0 - x) * ($0.0 - x) + ($0.1 - y) * ($0.1 - y)).squareRoot() < 1.5 * ($0.2 + r) }) { continue }
                if let p = person, abs(x - p.cx) < 1.2 * p.h + r, y < p.headY + 1.3 * p.h + r { continue }
                placed.append((x, y, r))
            }
            if placed.isEmpty { placed.append((s * 0.15, s * 0.85, s * 0.05)) }
            for (x, y, r) in placed {
                Flower.loose(on: canvas, cx: x, cy: y, r: r, random: &random, cutouts: cutouts)
            }
        }

        if let h = emptyHand {
            Bouquet.emptyHand(on: canvas, cx: h.cx, cy: h.cy, r: h.r, from: h.from, skin: h.skin, sleeve: h.sleeve, random: &random)
        }
        if let b = bouquet {
            Bouquet.draw(on: canvas, cx: b.cx, cy: b.cy, r: b.r, holder: b.holder, random: &random, cutouts: cutouts)
        }

        Lighting.random(&random).apply(to: canvas)
        canvas.addNoise(random.float(0.005, 0.02), chroma: 0.01, random: &random)
        canvas.jpegQuality = 90
    }

    /// Where a hand reaching in from the left or right edge holds something of
    /// radius `r` (an incidental bouquet, or nothing): its centre and the
    /// arm's start outside the picture. Draws three numbers, in this order.
    static func heldFromSide(left: Bool, r: Float, size s: Float, random: inout SplitMix64) -> (cx: Float, cy: Float, from: (Float, Float)) {
        let inset = s * random.float(0.1, 0.16) + r
        let cx = left ? inset : s - inset
        let cy = s * random.float(0.3, 0.62)
        return (cx, cy, (left ? -0.05 * s : 1.05 * s, cy + 1.35 * r + s * random.float(0.05, 0.25)))
    }
}
