import Foundation

/// The exact McNemar test: do two models on the same test set differ in
/// accuracy more than chance would explain?
///
/// Only the discordant samples matter: b where A is right and B wrong, c the
/// reverse. Under the null hypothesis each discordant sample is a fair coin, so
/// the two-sided p-value is min(1, 2·P[Binomial(b + c, ½) ≤ min(b, c)]) — the
/// same as statsmodels' `mcnemar(exact=True)`. Exact rather than the χ²
/// approximation because test sets of labelled photos are small.
public struct McNemar: Codable, Sendable, Equatable {
    /// A right, B wrong.
    public var onlyA: Int
    /// A wrong, B right.
    public var onlyB: Int
    public var pValue: Double

    public init(onlyA b: Int, onlyB c: Int) {
        precondition(b >= 0 && c >= 0)
        onlyA = b
        onlyB = c
        let n = b + c
        guard n > 0 else { pValue = 1; return }
        // P[X ≤ k] for X ~ Binomial(n, ½), summed in log space so large n cannot overflow.
        let k = min(b, c)
        var tail = 0.0
        for i in 0...k {
            tail += exp(lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1)) - Double(n) * log(2.0))
        }
        pValue = min(1, 2 * tail)
    }

    /// From per-sample correctness of the two models.
    public init(aCorrect: [Bool], bCorrect: [Bool]) {
        precondition(aCorrect.count == bCorrect.count)
        var b = 0, c = 0
        for (a, bb) in zip(aCorrect, bCorrect) {
            if a && !bb { b += 1 }
            if !a && bb { c += 1 }
        }
        self.init(onlyA: b, onlyB: c)
    }
}
