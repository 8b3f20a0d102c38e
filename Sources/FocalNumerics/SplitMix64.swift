/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast generator that passes
/// BigCrush and whose whole output is fixed by its seed.
///
/// Everything seeded in Focal draws from this one type: folds, bootstrap
/// samples and k-means seeds in training and health checks, and every drawn
/// scene of `focal synth`. Swift's `SystemRandomNumberGenerator` and `Hasher`
/// are seeded per process, and the standard library's `shuffle(using:)` may
/// change its algorithm between toolchains; the same seed must give the same
/// C, thresholds, intervals and dataset bytes on every machine.
///
/// Two integer draws exist side by side because shipped results depend on
/// both: `below(_:)` (multiply-and-reject) for training and health, and
/// `int(_:)` (reject-then-modulo) for the generated scenes, whose datasets
/// under `datasets/` are rebuilt byte for byte from their seed. Each has its
/// own shuffle for the same reason.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// An independent stream for `key` (e.g. split and image index) under `seed`:
    /// what makes parallel rendering deterministic, since every image draws
    /// from its own stream whatever thread renders it and in whatever order.
    public init(seed: UInt64, stream key: UInt64) {
        state = SplitMix64.mix(seed &+ SplitMix64.mix(key &+ 0x632B_E59B_D9B4_E019))
    }

    /// The SplitMix64 finaliser: a bijective 64-bit hash.
    @inlinable @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    // MARK: Integers and shuffles for training and health checks

    /// Uniform in 0..<bound, without modulo bias (Lemire's multiply-and-reject).
    @inlinable
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        let threshold = (0 &- b) % b
        while true {
            let (high, low) = next().multipliedFullWidth(by: b)
            if low >= threshold { return Int(high) }
        }
    }

    /// Fisher–Yates, drawing with `below`.
    @inlinable
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, below(i + 1))
        }
    }

    // MARK: Numbers, integers and shuffles for generated scenes

    /// Uniform in [0, 1): the top 53 bits, exactly representable.
    @inlinable @inline(__always)
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [lower, upper).
    @inlinable @inline(__always)
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * unit()
    }

    /// Uniform in [lower, upper), drawn in double precision and then rounded.
    @inlinable @inline(__always)
    public mutating func float(_ lower: Float, _ upper: Float) -> Float {
        Float(uniform(Double(lower), Double(upper)))
    }

    /// Uniform integer in `range`, by rejection then modulo (no modulo bias).
    @inlinable
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        if span == 0 { return Int(truncatingIfNeeded: next()) }
        let limit = UInt64.max - UInt64.max % span
        var x = next()
        while x >= limit { x = next() }
        return range.lowerBound + Int(x % span)
    }

    @inlinable
    public mutating func int(_ range: Range<Int>) -> Int {
        int(range.lowerBound...(range.upperBound - 1))
    }

    @inlinable
    public mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    @inlinable
    public mutating func pick<T>(_ items: [T]) -> T {
        items[int(0..<items.count)]
    }

    /// An approximately normal number (Irwin–Hall sum of four uniforms, rescaled):
    /// no logarithms or cosines, whose last bits differ between maths libraries.
    @inlinable
    public mutating func normal(_ mean: Double = 0, _ deviation: Double = 1) -> Double {
        let sum = unit() + unit() + unit() + unit()
        return mean + deviation * (sum - 2) * 1.7320508075688772
    }

    /// Fisher–Yates, drawing with `int` (not `below`: see the type's note).
    @inlinable
    public mutating func shuffleDrawingInts<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = int(0...i)
            if i != j { items.swapAt(i, j) }
        }
    }

    /// `items` in the order `shuffleDrawingInts` leaves them.
    @inlinable
    public mutating func shuffledDrawingInts<T>(_ items: [T]) -> [T] {
        var copy = items
        shuffleDrawingInts(&copy)
        return copy
    }
}
