import FocalNumerics

/// Backgrounds: the varied surroundings that every element must be told apart
/// from. They are deliberately unrelated to the concepts (a grass lawn appears
/// with and without greenery) so that a model cannot learn the backdrop.
public enum Background: String, CaseIterable, Sendable {
    /// Plain painted wall with a soft light falloff and plaster grain.
    case wall
    /// Brick or tile courses with mortar lines.
    case bricks
    /// Wooden planks (floors, tables).
    case wood
    /// Lawn: green noise with blade streaks.
    case grass
    /// Sky over ground, with a horizon.
    case outdoor
    /// Defocused party lights on a dark room.
    case bokeh
    /// Studio sweep: a smooth gradient.
    case studio

    public static func random(_ random: inout SplitMix64, from choices: [Background] = Background.allCases) -> Background {
        random.pick(choices)
    }

    /// Paints the whole canvas.
    public func draw(on canvas: Canvas, random: inout SplitMix64) {
        let s = canvas.size
        let noise = Noise(&random)
        switch self {
        case .wall:
            let base = RGB(random.float(0.35, 0.95), random.float(0.35, 0.92), random.float(0.3, 0.9))
            let light = random.float(-0.25, 0.25)
            let grain = random.float(0.03, 0.1)
            canvas.fillAll { x, y in
                let g = 1 + light * (x / s - 0.5) - 0.15 * (y / s)
                let n = (noise.fractal(x / 6, y / 6) - 0.5) * grain
                return base.scaled(g + n)
            }
        case .bricks:
            let brick = RGB(random.float(0.45, 0.8), random.float(0.25, 0.5), random.float(0.18, 0.4))
            let mortar = RGB(bytes: 200, 195, 185).scaled(random.float(0.7, 1))
            let bw = s * random.float(0.12, 0.22), bh = bw * random.float(0.35, 0.5)
            let tint = Noise(&random)
            canvas.fillAll { x, y in
                let row = (y / bh).rounded(.down)
                let shift = row.truncatingRemainder(dividingBy: 2) == 0 ? 0 : bw / 2
                let col = ((x + shift) / bw).rounded(.down)
                let fx = (x + shift) - col * bw, fy = y - row * bh
                let edge = min(min(fx, bw - fx), min(fy, bh - fy))
                let m = smoothstep(0.8, 2.2, edge)
                let shade = 0.8 + 0.35 * tint.cell(col, row) + 0.12 * (noise.value(x / 2, y / 2) - 0.5)
                return mortar.mixed(brick.scaled(shade), m)
            }
        case .wood:
            let wood = RGB(random.float(0.45, 0.75), random.float(0.28, 0.5), random.float(0.12, 0.3))
            let plank = s * random.float(0.12, 0.25)
            let vertical = random.chance(0.5)
            canvas.fillAll { x, y in
                let (along, across) = vertical ? (y, x) : (x, y)
                let index = (across / plank).rounded(.down)
                let f = across - index * plank
                let seam = smoothstep(0, 1.5, min(f, plank - f))
                let grain = noise.fractal(along / 40 + index * 7, across / 2.5, octaves: 2)
                let shade = 0.75 + 0.45 * grain + 0.1 * noise.cell(index, 3)
                return wood.scaled(shade * (0.55 + 0.45 * seam))
            }
        case .grass:
            let green = RGB(random.float(0.2, 0.4), random.float(0.45, 0.7), random.float(0.12, 0.3))
            canvas.fillAll { x, y in
                let blades = noise.value(x / 1.3, y / 7)
                let patches = noise.fractal(x / 30, y / 30, octaves: 2)
                return green.scaled(0.6 + 0.5 * blades * (0.6 + 0.6 * patches))
            }
        case .outdoor:
            let horizon = s * random.float(0.35, 0.6)
            let sky = RGB(random.float(0.45, 0.75), random.float(0.65, 0.85), random.float(0.85, 1))
            let ground = random.chance(0.5) ? RGB(0.35, 0.55, 0.25) : RGB(0.62, 0.58, 0.52)
            canvas.fillAll { x, y in
                if y < horizon {
                    let cloud = smoothstep(0.55, 0.8, noise.fractal(x / 40, y / 18))
                    return sky.scaled(0.85 + 0.25 * (y / horizon)).mixed(.white, cloud * 0.8)
                }
                let t = (y - horizon) / s
                let tex = noise.fractal(x / 5, y / 4, octaves: 2)
                return ground.scaled(0.75 + 0.4 * tex - 0.2 * t)
            }
        case .bokeh:
            let base = RGB(random.float(0.05, 0.2), random.float(0.05, 0.18), random.float(0.08, 0.25))
            canvas.fillAll { x, y in base.scaled(0.8 + 0.4 * noise.fractal(x / 50, y / 50)) }
            let lights = RGB(random.float(0.8, 1), random.float(0.6, 0.9), random.float(0.3, 0.8))
            for _ in 0..<random.int(12...30) {
                let e = Ellipse(cx: random.float(0, s), cy: random.float(0, s), rx: s * random.float(0.02, 0.07),
                                ry: 0, turns: 0)
                let disc = Ellipse(cx: e.cx, cy: e.cy, rx: e.rx, ry: e.rx)
                let soft = disc.rx * 0.25
                canvas.fill(disc.bounds, opacity: random.float(0.25, 0.6)) { x, y in
                    Paint(clamp01(0.5 - disc.distance(x, y) / soft), lights)
                }
            }
        case .studio:
            let top = RGB(random.float(0.7, 0.97), random.float(0.7, 0.97), random.float(0.7, 0.97))
            let bottom = top.scaled(random.float(0.55, 0.85))
            canvas.fillAll { x, y in
                let dx = x / s - 0.5, dy = y / s - 0.35
                return top.mixed(bottom, clamp01((dx * dx + dy * dy) * 2.2))
            }
        }
    }
}

/// Scene-wide light: exposure, colour temperature and a directional falloff,
/// applied after everything is drawn so that all elements share it.
public struct Lighting: Sendable {
    public var exposure: Float
    public var warmth: Float
    public var slopeX: Float
    public var slopeY: Float
    public var vignette: Float

    public static func random(_ random: inout SplitMix64, dim: Bool = false) -> Lighting {
        Lighting(exposure: dim ? random.float(0.4, 0.65) : random.float(0.78, 1.18),
                 warmth: dim ? random.float(0.05, 0.2) : random.float(-0.1, 0.12),
                 slopeX: random.float(-0.3, 0.3), slopeY: random.float(-0.2, 0.2),
                 vignette: random.float(0, dim ? 0.7 : 0.35))
    }

    public static let neutral = Lighting(exposure: 1, warmth: 0, slopeX: 0, slopeY: 0, vignette: 0)

    public func apply(to canvas: Canvas) {
        let s = canvas.size
        let light = self
        canvas.adjust { x, y, c in
            let u = x / s - 0.5, v = y / s - 0.5
            let k = light.exposure * (1 + light.slopeX * u + light.slopeY * v) * (1 - light.vignette * (u * u + v * v))
            return RGB(c.r * k * (1 + light.warmth), c.g * k, c.b * k * (1 - light.warmth))
        }
    }
}
