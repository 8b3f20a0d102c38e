import FocalNumerics

/// Procedural texture: lattice value noise from an integer hash.
///
/// Textures are what a CNN keys on (lace, leaf veins, fruit skin, wall plaster),
/// so every surface gets some. Value noise is used rather than Perlin's gradient
/// noise because it needs no table and no trigonometry: a 32-bit integer hash
/// of the lattice point, smoothly interpolated, is identical on every machine.
public struct Noise: Sendable {
    public let seed: UInt32

    public init(seed: UInt32) { self.seed = seed }
    public init(_ random: inout SplitMix64) { seed = UInt32(truncatingIfNeeded: random.next()) }

    @inline(__always)
    static func hash(_ x: Int32, _ y: Int32, _ seed: UInt32) -> Float {
        var h = UInt32(bitPattern: x) &* 0x27D4_EB2D ^ UInt32(bitPattern: y) &* 0x1656_67B1 ^ seed
        h = (h ^ (h >> 15)) &* 0x2C1B_3C6D
        h = (h ^ (h >> 12)) &* 0x297A_2D39
        h ^= h >> 15
        return Float(h >> 8) * (1.0 / 16_777_216)
    }

    /// Smooth noise in 0...1 with features about one unit apart.
    @inline(__always)
    public func value(_ x: Float, _ y: Float) -> Float {
        let fx = x.rounded(.down), fy = y.rounded(.down)
        let ix = Int32(truncatingIfNeeded: Int(fx)), iy = Int32(truncatingIfNeeded: Int(fy))
        var tx = x - fx, ty = y - fy
        tx = tx * tx * (3 - 2 * tx)
        ty = ty * ty * (3 - 2 * ty)
        let a = Noise.hash(ix, iy, seed), b = Noise.hash(ix &+ 1, iy, seed)
        let c = Noise.hash(ix, iy &+ 1, seed), d = Noise.hash(ix &+ 1, iy &+ 1, seed)
        let top = a + (b - a) * tx, bottom = c + (d - c) * tx
        return top + (bottom - top) * ty
    }

    /// Fractal sum of `octaves` layers, each twice as fine and half as strong; 0...1.
    @inline(__always)
    public func fractal(_ x: Float, _ y: Float, octaves: Int = 3) -> Float {
        var sum: Float = 0, amplitude: Float = 0.5, total: Float = 0, f: Float = 1
        for o in 0..<octaves {
            sum += amplitude * Noise(seed: seed &+ UInt32(o) &* 0x9E37_79B9).value(x * f + Float(o) * 17.3, y * f)
            total += amplitude
            amplitude *= 0.5
            f *= 2
        }
        return sum / total
    }

    /// Uncorrelated per-cell value (grain, speckles).
    @inline(__always)
    public func cell(_ x: Float, _ y: Float) -> Float {
        Noise.hash(Int32(truncatingIfNeeded: Int(x.rounded(.down))), Int32(truncatingIfNeeded: Int(y.rounded(.down))), seed)
    }
}

/// Colour palettes that the scenarios draw from.
public enum Palette {
    /// Human skin tones, light to dark.
    public static let skin: [RGB] = [
        RGB(bytes: 255, 224, 196), RGB(bytes: 241, 194, 160), RGB(bytes: 224, 172, 130),
        RGB(bytes: 198, 134, 96), RGB(bytes: 160, 104, 70), RGB(bytes: 120, 76, 50), RGB(bytes: 86, 54, 36),
    ]
    public static let hair: [RGB] = [
        RGB(bytes: 40, 28, 20), RGB(bytes: 80, 50, 30), RGB(bytes: 140, 96, 50), RGB(bytes: 200, 160, 100),
        RGB(bytes: 20, 18, 18), RGB(bytes: 150, 60, 30), RGB(bytes: 170, 170, 170),
    ]
    /// Flower petals: white, cream, blush, pink, red, peach, coral, lilac, yellow, burgundy.
    public static let petals: [RGB] = [
        RGB(bytes: 250, 248, 240), RGB(bytes: 245, 232, 200), RGB(bytes: 246, 200, 205), RGB(bytes: 236, 120, 160),
        RGB(bytes: 200, 30, 50), RGB(bytes: 250, 180, 140), RGB(bytes: 240, 110, 90), RGB(bytes: 190, 150, 220),
        RGB(bytes: 250, 220, 80), RGB(bytes: 120, 20, 50),
    ]
    public static let leaves: [RGB] = [
        RGB(bytes: 50, 110, 40), RGB(bytes: 80, 140, 60), RGB(bytes: 30, 80, 40), RGB(bytes: 110, 150, 90),
        RGB(bytes: 60, 120, 90), RGB(bytes: 130, 160, 110),
    ]
}
