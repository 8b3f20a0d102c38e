/// How far one channel-last position of a layer moved from a recorded value.
///
/// Approximate occlusion asks this of every position a patch reaches, over up
/// to 1152 channels: whether the position moved enough to recompute, and if
/// not, what its small move does to the score to first order. One vectorised
/// pass answers both; as two scalar loops they were 9% of an explanation.
public enum Move {
    /// nil when some channel of `new` differs from `old` by more than
    /// `tolerance`; else Σ gradient[i]·(new[i] − old[i]) (0 without a gradient).
    /// Stops at the first 16 channels that hold a large move.
    @inlinable
    public static func small(from old: UnsafePointer<Float>, to new: UnsafePointer<Float>, count: Int, tolerance: Float,
                             gradient: UnsafePointer<Float>?) -> Float? {
        let limit = Float8Lanes(repeating: tolerance)
        var sum0 = Float8Lanes(), sum1 = Float8Lanes()
        var i = 0
        while i + 16 <= count {
            let d0 = load8(new + i) - load8(old + i), d1 = load8(new + i + 8) - load8(old + i + 8)
            if Self.exceeds(d0, d1, limit) { return nil }
            if let gradient {
                sum0 = sum0.addingProduct(load8(gradient + i), d0)
                sum1 = sum1.addingProduct(load8(gradient + i + 8), d1)
            }
            i += 16
        }
        if i + 8 <= count {
            let d0 = load8(new + i) - load8(old + i)
            if Self.exceeds(d0, Float8Lanes(), limit) { return nil }
            if let gradient { sum0 = sum0.addingProduct(load8(gradient + i), d0) }
            i += 8
        }
        var total = (sum0 + sum1).sum()
        while i < count {
            let d = new[i] - old[i]
            if !(abs(d) <= tolerance) { return nil }
            if let gradient { total += gradient[i] * d }
            i += 1
        }
        return total
    }

    /// Whether a lane of |a| or |b| is above `limit` or is NaN: written as
    /// "not all within", because −limit ≤ x ≤ limit fails for NaN, as the
    /// scalar test does.
    @inlinable @inline(__always)
    static func exceeds(_ a: Float8Lanes, _ b: Float8Lanes, _ limit: Float8Lanes) -> Bool {
        let inside = (a .<= limit) .& (a .>= -limit) .& (b .<= limit) .& (b .>= -limit)
        return !all(inside)
    }
}
