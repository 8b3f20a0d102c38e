/// Knuth's MMIX linear congruential generator: the tests' source of
/// repeatable arbitrary numbers (inputs to kernels, noise pictures, feature
/// files). Its numbers are fixed by the seed alone, so a failing case can be
/// rerun; it is deliberately not `SplitMix64`, so the tests' inputs do not
/// move if the library's generator ever does.
public struct KnuthLCG {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// Advances the state and returns it.
    public mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }

    /// A whole number in `-half...half` from the state's top 24 bits, for the
    /// caller to scale (`Float(centered(1000)) / 1000` is uniform in [-1, 1]).
    public mutating func centered(_ half: Int) -> Int {
        Int(next() >> 40) % (2 * half + 1) - half
    }

    /// `count` numbers `Float(centered(half)) / divisor`.
    public mutating func floats(_ count: Int, half: Int = 1000, over divisor: Float) -> [Float] {
        (0..<count).map { _ in Float(centered(half)) / divisor }
    }
}
