import FocalNumerics

extension SplitMix64 {
    /// Exactly `round(rate * count)` trues among `count`, in random order: how
    /// every requested rate is met by construction rather than on average, so a
    /// split of any size has the rate asked for (to within one item).
    public mutating func exactly(_ rate: Double, of count: Int) -> [Bool] {
        let hits = exactCount(rate, of: count)
        var flags = [Bool](repeating: false, count: count)
        for i in 0..<hits { flags[i] = true }
        shuffleDrawingInts(&flags)
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
