/// Seeded randomness that gives the same numbers on every machine and in every
/// process.
///
/// Swift's `SystemRandomNumberGenerator` and `Hasher` are seeded per process, so
/// nothing here touches them: a generated dataset must be reproducible from its
/// seed alone. SplitMix64 (Steele, Lea & Flood 2014) is small, fast, passes
/// BigCrush, and lets independent streams be derived by hashing a key into the
/// seed, which is what makes parallel rendering deterministic: every image draws
/// from its own stream, whatever thread renders it and in whatever order.
public struct SceneRandom: Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// An independent stream for `key` (e.g. split and image index) under `seed`.
    public init(seed: UInt64, stream key: UInt64) {
        state = SceneRandom.mix(seed &+ SceneRandom.mix(key &+ 0x632B_E59B_D9B4_E019))
    }

    /// The SplitMix64 finaliser: a bijective 64-bit hash.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SceneRandom.mix(state)
    }

    /// Uniform in [0, 1): the top 53 bits, exactly representable.
    @inline(__always)
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [lower, upper).
    @inline(__always)
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * unit()
    }

    @inline(__always)
    public mutating func float(_ lower: Float, _ upper: Float) -> Float {
        Float(uniform(Double(lower), Double(upper)))
    }

    /// Uniform integer in `range`, by rejection (no modulo bias).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        if span == 0 { return Int(truncatingIfNeeded: next()) }
        let limit = UInt64.max - UInt64.max % span
        var x = next()
        while x >= limit { x = next() }
        return range.lowerBound + Int(x % span)
    }

    public mutating func int(_ range: Range<Int>) -> Int {
        int(range.lowerBound...(range.upperBound - 1))
    }

    public mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    public mutating func pick<T>(_ items: [T]) -> T {
        items[int(0..<items.count)]
    }

    /// An approximately normal number (Irwin–Hall sum of four uniforms, rescaled):
    /// no logarithms or cosines, whose last bits differ between maths libraries.
    public mutating func normal(_ mean: Double = 0, _ deviation: Double = 1) -> Double {
        let sum = unit() + unit() + unit() + unit()
        return mean + deviation * (sum - 2) * 1.7320508075688772
    }

    /// Fisher–Yates, drawing from this stream.
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = int(0...i)
            if i != j { items.swapAt(i, j) }
        }
    }

    public mutating func shuffled<T>(_ items: [T]) -> [T] {
        var copy = items
        shuffle(&copy)
        return copy
    }

    /// Exactly `round(rate * count)` trues among `count`, in random order: how
    /// every requested rate is met by construction rather than on average, so a
    /// split of any size has the rate asked for (to within one item).
    public mutating func exactly(_ rate: Double, of count: Int) -> [Bool] {
        let hits = exactCount(rate, of: count)
        var flags = [Bool](repeating: false, count: count)
        for i in 0..<hits { flags[i] = true }
        shuffle(&flags)
        return flags
    }
}

/// `round(rate * count)`, clamped to 0...count; ties round half up.
public func exactCount(_ rate: Double, of count: Int) -> Int {
    max(0, min(count, Int((rate * Double(count) + 0.5).rounded(.down))))
}

/// A stable 64-bit key for a string (FNV-1a), for deriving streams from names.
/// `String.hashValue` would differ from one process to the next.
public func stableKey(_ text: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        h ^= UInt64(byte)
        h = h &* 0x0000_0100_0000_01B3
    }
    return h
}
