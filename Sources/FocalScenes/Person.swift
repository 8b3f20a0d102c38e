import FocalNumerics

/// People and veils.
///
/// A person is a head (skin tone, hair, eyes, mouth), neck, shoulders and a
/// torso in clothing colours, arms hanging or reaching to a point where they
/// hold something. Crude to a person's eye, but the parts a CNN's person
/// features respond to (skin-coloured ovals above textured clothing) are there.
public struct Person: Sendable {
    public enum Outfit: CaseIterable, Sendable {
        case bride, groom, guest
    }

    public var cx: Float
    public var headY: Float
    /// Head radius (vertical); everything scales with it.
    public var h: Float
    public var outfit: Outfit
    public var skin: RGB
    public var hair: RGB
    public var longHair: Bool
    /// Where the hands meet (holding a bouquet), or nil for hanging arms.
    public var hands: (Float, Float)?

    public init(cx: Float, headY: Float, h: Float, outfit: Outfit, random: inout SplitMix64) {
        self.cx = cx; self.headY = headY; self.h = h; self.outfit = outfit
        skin = random.pick(Palette.skin)
        hair = random.pick(Palette.hair)
        longHair = random.chance(outfit == .groom ? 0.1 : 0.7)
    }

    /// The scene box the person may cover (body runs off the bottom of the frame).
    public var extent: Box { Box(x0: cx - 2.6 * h, y0: headY - 1.2 * h, x1: cx + 2.6 * h, y1: headY + 9 * h) }

    public func draw(on canvas: Canvas, random: inout SplitMix64, cutouts: Cutouts?) {
        canvas.element("person") {
            if let cut = cutouts?.pick("person", &random) {
                canvas.place(cut, center: (cx, headY + 3.2 * h), size: 8.6 * h, random: &random)
                return
            }
            drawFigure(on: canvas, random: &random)
        }
    }

    func clothing(_ random: inout SplitMix64) -> RGB {
        switch outfit {
        case .bride: return random.chance(0.5) ? RGB(0.97, 0.97, 0.95) : RGB(0.96, 0.92, 0.84)
        case .groom: return random.pick([RGB(0.08, 0.08, 0.1), RGB(0.12, 0.16, 0.3), RGB(0.35, 0.36, 0.38), RGB(0.45, 0.38, 0.3)])
        case .guest: return RGB(random.float(0.1, 0.9), random.float(0.1, 0.8), random.float(0.1, 0.9))
        }
    }

    func drawFigure(on canvas: Canvas, random: inout SplitMix64) {
        let cloth = clothing(&random)
        let folds = Noise(&random)
        let ys = headY + 1.35 * h
        let sw = h * random.float(1.45, 1.8)
        let hem = outfit == .groom ? 1.35 * h : h * random.float(1.8, 2.6)
        let waist = outfit == .groom ? 1.2 * h : 0.85 * h
        let body = Polygon([
            (cx - 0.5 * h, ys), (cx + 0.5 * h, ys), (cx + sw, ys + 0.45 * h), (cx + waist, ys + 3 * h),
            (cx + hem, ys + 8 * h), (cx - hem, ys + 8 * h), (cx - waist, ys + 3 * h), (cx - sw, ys + 0.45 * h),
        ])
        let shoulderL = Ellipse(cx: cx - sw + 0.35 * h, cy: ys + 0.45 * h, rx: 0.45 * h, ry: 0.45 * h)
        let shoulderR = Ellipse(cx: cx + sw - 0.35 * h, cy: ys + 0.45 * h, rx: 0.45 * h, ry: 0.45 * h)
        let sheen: Float = outfit == .bride ? 0.18 : 0.08

        // Long hair falls behind the shoulders.
        if longHair {
            let back = Ellipse(cx: cx, cy: headY + 0.9 * h, rx: 1.05 * h, ry: 1.9 * h)
            canvas.fill(back.bounds) { x, y in
                let cov = coverage(back.distance(x, y))
                return cov > 0 ? Paint(cov, hair.scaled(0.75 + 0.3 * folds.value(x / (0.12 * h), y / h))) : .none
            }
        }
        // Neck.
        let neck = Capsule(cx, headY + 0.5 * h, cx, ys + 0.3 * h, r0: 0.3 * h)
        canvas.fill(neck.bounds) { x, y in
            let (d, _) = neck.distance(x, y)
            let cov = coverage(d)
            return cov > 0 ? Paint(cov, skin.scaled(0.85)) : .none
        }
        // Torso and skirt, with vertical folds and a sheen.
        let box = body.bounds.union(shoulderL.bounds).union(shoulderR.bounds)
        canvas.fill(box) { x, y in
            let d = min(body.distance(x, y), min(shoulderL.distance(x, y), shoulderR.distance(x, y)))
            let cov = coverage(d)
            if cov <= 0 { return .none }
            let fold = folds.fractal((x - cx) / (0.35 * h), y / (3 * h), octaves: 2)
            var c = cloth.scaled(0.78 + sheen * 2 * fold - 0.1 * clamp01((y - ys) / (8 * h)))
            c = c.scaled(1 - 0.25 * smoothstep(-0.15 * h, 0, d))
            return Paint(cov, c)
        }
        if outfit == .groom {
            // Shirt front and tie.
            let shirt = Polygon([(cx - 0.45 * h, ys), (cx + 0.45 * h, ys), (cx, ys + 2.2 * h)])
            canvas.fill(shirt.bounds) { x, y in
                let cov = coverage(shirt.distance(x, y))
                return cov > 0 ? Paint(cov, RGB(0.95, 0.95, 0.95)) : .none
            }
            let tieColor = random.pick([RGB(0.1, 0.1, 0.1), RGB(0.6, 0.1, 0.15), RGB(0.75, 0.7, 0.6)])
            let tie = Capsule(cx, ys + 0.15 * h, cx, ys + 1.6 * h, r0: 0.09 * h, r1: 0.16 * h)
            canvas.fill(tie.bounds) { x, y in
                let cov = coverage(tie.distance(x, y).0)
                return cov > 0 ? Paint(cov, tieColor) : .none
            }
        }
        // Arms: sleeves (or bare for some dresses), hands at the ends unless holding something.
        let bare = outfit != .groom && random.chance(0.5)
        let sleeve = bare ? skin : cloth.scaled(0.9)
        for side: Float in [-1, 1] {
            let shoulder = (cx + side * (sw - 0.3 * h), ys + 0.45 * h)
            let hand = hands.map { ($0.0 + side * 0.25 * h, $0.1) } ?? (cx + side * (sw + 0.15 * h), ys + 3.4 * h)
            // An elbow bent outwards.
            let elbow = (shoulder.0 + side * 0.3 * h + (hand.0 - shoulder.0) * 0.35, (shoulder.1 + hand.1) / 2 + 0.3 * h)
            for (a, b) in [(shoulder, elbow), (elbow, hand)] {
                let arm = Capsule(a.0, a.1, b.0, b.1, r0: 0.3 * h, r1: 0.25 * h)
                canvas.fill(arm.bounds) { x, y in
                    let (d, _) = arm.distance(x, y)
                    let cov = coverage(d)
                    return cov > 0 ? Paint(cov, sleeve.scaled(0.85 + 0.15 * clamp01(-d / (0.3 * h)))) : .none
                }
            }
            if hands == nil {
                let palm = Ellipse(cx: hand.0, cy: hand.1 + 0.15 * h, rx: 0.22 * h, ry: 0.3 * h)
                canvas.fill(palm.bounds) { x, y in
                    let cov = coverage(palm.distance(x, y))
                    return cov > 0 ? Paint(cov, skin.scaled(0.92)) : .none
                }
            }
        }
        drawHead(on: canvas, noise: folds)
    }

    func drawHead(on canvas: Canvas, noise: Noise) {
        let head = Ellipse(cx: cx, cy: headY, rx: 0.8 * h, ry: h)
        canvas.fill(head.bounds) { x, y in
            let d = head.distance(x, y)
            let cov = coverage(d)
            if cov <= 0 { return .none }
            let (u, v) = head.unit(x, y)
            let shade = 1.02 - 0.18 * (u * u + v * v) + 0.04 * noise.value(x / 2, y / 2)
            return Paint(cov, skin.scaled(shade))
        }
        // Hair on top of the head: the part of a slightly larger ellipse above a wavy hairline.
        let cap = Ellipse(cx: cx, cy: headY - 0.12 * h, rx: 0.9 * h, ry: 1.0 * h)
        canvas.fill(cap.bounds) { x, y in
            let d = cap.distance(x, y)
            let line = headY - 0.45 * h + 0.12 * h * noise.value(x / (0.3 * h), 3)
            let cut = y - line
            let cov = min(coverage(d), coverage(cut))
            return cov > 0 ? Paint(cov, hair.scaled(0.8 + 0.35 * noise.value(x / (0.1 * h), y / (0.6 * h)))) : .none
        }
        // Eyes, brows and mouth.
        for side: Float in [-1, 1] {
            let eye = Ellipse(cx: cx + side * 0.3 * h, cy: headY - 0.05 * h, rx: 0.1 * h, ry: 0.07 * h)
            canvas.fill(eye.bounds) { x, y in
                let cov = coverage(eye.distance(x, y))
                return cov > 0 ? Paint(cov, RGB(0.12, 0.08, 0.06)) : .none
            }
            let brow = Capsule(cx + side * 0.42 * h, headY - 0.24 * h, cx + side * 0.16 * h, headY - 0.27 * h, r0: 0.035 * h)
            canvas.fill(brow.bounds) { x, y in
                let cov = coverage(brow.distance(x, y).0)
                return cov > 0 ? Paint(cov, hair.scaled(0.6)) : .none
            }
        }
        let mouth = Ellipse(cx: cx, cy: headY + 0.5 * h, rx: 0.22 * h, ry: 0.06 * h)
        canvas.fill(mouth.bounds) { x, y in
            let cov = coverage(mouth.distance(x, y))
            return cov > 0 ? Paint(cov, RGB(0.7, 0.3, 0.3)) : .none
        }
    }

    /// The `veil` element: translucent white lace from a comb on top of the
    /// head, falling past the shoulders and wider than them (so it shows against
    /// the background, not only over a white dress), with a scalloped lace hem
    /// and soft vertical folds. It frames the face or, as a blusher, covers it.
    public func drawVeil(on canvas: Canvas, random: inout SplitMix64, cutouts: Cutouts?) {
        canvas.element("veil", occludes: false) {
            let top = headY - 1.05 * h
            let length = h * random.float(4, 7.5)
            let half = h * random.float(2.3, 3.3)
            if let cut = cutouts?.pick("veil", &random) {
                let scale = min(2 * half / Float(cut.width), length / Float(cut.height))
                let w = Float(cut.width) * scale, hh = Float(cut.height) * scale
                canvas.composite(cut, into: Box(x0: cx - w / 2, y0: top, x1: cx + w / 2, y1: top + hh), flip: random.chance(0.5))
                return
            }
            let shape = Polygon([(cx - 0.7 * h, top + 0.3 * h), (cx + 0.7 * h, top + 0.3 * h),
                                 (cx + half, top + length), (cx - half, top + length)])
            let crown = Ellipse(cx: cx, cy: top + 0.55 * h, rx: 1.05 * h, ry: 0.6 * h)
            let face = Ellipse(cx: cx, cy: headY + 0.1 * h, rx: 0.72 * h, ry: 0.95 * h)
            let blusher = random.chance(0.3)
            let white = random.chance(0.6) ? RGB(0.99, 0.99, 1) : RGB(0.98, 0.95, 0.88)
            let opacity = random.float(0.45, 0.65)
            let cell = max(2.6, h * random.float(0.16, 0.24))
            let (c, s) = Trig.cosSin(turns: random.uniform(0, 0.25))
            let fc = Float(c), fs = Float(s)
            let folds = Noise(&random)
            let box = shape.bounds.union(crown.bounds)
            canvas.fill(box, opacity: opacity + 0.3) { x, y in
                var d = min(shape.distance(x, y), crown.distance(x, y))
                if !blusher { d = max(d, -face.distance(x, y)) }
                // Scalloped hem.
                let scallop = (x / (cell * 1.6)) - (x / (cell * 1.6)).rounded(.down) - 0.5
                d = max(d, y - (top + length - 0.25 * cell + cell * 0.5 * scallop * scallop * 4))
                let cov = coverage(d)
                if cov <= 0 { return .none }
                // Lace: rings on a rotated grid with thin connecting threads.
                let lx = (x * fc + y * fs) / cell, ly = (y * fc - x * fs) / cell
                let fx = lx - lx.rounded(.down) - 0.5, fy = ly - ly.rounded(.down) - 0.5
                let ring = abs((fx * fx + fy * fy).squareRoot() - 0.3)
                let thread: Float = ring < 0.08 ? 1 : ((abs(fx) < 0.04 || abs(fy) < 0.04) ? 0.6 : 0)
                let hem = smoothstep(top + length - 1.6 * cell, top + length - 0.6 * cell, y)
                let fold = folds.value(x / (0.5 * h), y / (3 * h))
                let alpha = clamp01(0.35 + 0.5 * thread + 0.4 * hem + 0.15 * fold)
                return Paint(cov, white.scaled(0.88 + 0.14 * fold), alpha: alpha)
            }
        }
    }
}
