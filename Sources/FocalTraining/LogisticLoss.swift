import Foundation

/// The per-sample side of the logistic objectives, in float64: losses, the
/// residuals whose product with X is the gradient, and the first and second
/// derivatives along a search direction that the line search needs.
///
/// Everything here works on logits z (K×N, concept-major, float64) that the
/// solver keeps up to date as z += α·u, where u = X·d is one SGEMM per
/// iteration; a line search therefore costs O(N·K) per trial step and no pass
/// over X, and the objective it sees is exactly the one the solver reports.
enum LogisticLoss {
    @inline(__always)
    static func softplus(_ t: Double) -> Double { t > 0 ? t + log1p(exp(-t)) : log1p(exp(t)) }

    @inline(__always)
    static func sigmoid(_ t: Double) -> Double {
        if t >= 0 { return 1 / (1 + exp(-t)) }
        let e = exp(t)
        return e / (1 + e)
    }

    /// One concept of a one-vs-rest problem. `a` = C·s (0 for unused rows).
    /// Writes r_i = a_i·(σ(z_i) − y_i) as float32 for the gradient GEMM and
    /// returns (Σ a·logloss, Σ r) — the loss and the intercept's gradient —
    /// and Σ (a·logloss)², for the loss's standard error (see `SolverOptions`).
    static func binaryResidual(z: UnsafePointer<Double>, y: UnsafePointer<Double>, a: UnsafePointer<Double>,
                               n: Int, residual: UnsafeMutablePointer<Float>)
        -> (loss: Double, interceptGradient: Double, squares: Double) {
        var loss = 0.0, sum = 0.0, squares = 0.0
        for i in 0..<n {
            let ai = a[i]
            if ai == 0 { residual[i] = 0; continue }
            let t = z[i]
            let term = ai * (softplus(t) - y[i] * t)
            loss += term
            squares += term * term
            let r = ai * (sigmoid(t) - y[i])
            residual[i] = Float(r)
            sum += r
        }
        return (loss, sum, squares)
    }

    /// φ'(α) and φ''(α) of the data term along z + α·u for one binary concept.
    static func binaryDerivatives(z: UnsafePointer<Double>, u: UnsafePointer<Double>, y: UnsafePointer<Double>,
                                  a: UnsafePointer<Double>, n: Int, step: Double) -> (Double, Double) {
        var first = 0.0, second = 0.0
        for i in 0..<n {
            let ai = a[i]
            if ai == 0 { continue }
            let ui = u[i]
            let p = sigmoid(z[i] + step * ui)
            first += ai * (p - y[i]) * ui
            second += ai * p * (1 - p) * ui * ui
        }
        return (first, second)
    }

    /// The multinomial problem: rows with class < 0 are skipped. Writes
    /// r_ki = a_i·(p_ki − [y_i = k]) into `residual` (K×N) and returns
    /// (Σ a·(−log p_y), Σ_i r_ki for each k, Σ (a·(−log p_y))²).
    static func multinomialResidual(z: UnsafePointer<Double>, classes: UnsafePointer<Int32>, a: UnsafePointer<Double>,
                                    n: Int, k: Int, residual: UnsafeMutablePointer<Float>)
        -> (loss: Double, interceptGradient: [Double], squares: Double) {
        var loss = 0.0, squares = 0.0
        var sums = [Double](repeating: 0, count: k)
        var p = [Double](repeating: 0, count: k)
        for i in 0..<n {
            let y = Int(classes[i])
            if y < 0 {
                for c in 0..<k { residual[c * n + i] = 0 }
                continue
            }
            var m = -Double.infinity
            for c in 0..<k { m = max(m, z[c * n + i]) }
            var total = 0.0
            for c in 0..<k {
                p[c] = exp(z[c * n + i] - m)
                total += p[c]
            }
            let lse = m + log(total)
            let term = a[i] * (lse - z[y * n + i])
            loss += term
            squares += term * term
            for c in 0..<k {
                let r = a[i] * (p[c] / total - (c == y ? 1 : 0))
                residual[c * n + i] = Float(r)
                sums[c] += r
            }
        }
        return (loss, sums, squares)
    }

    /// φ'(α) and φ''(α) of the multinomial data term along z + α·u (both K×N).
    static func multinomialDerivatives(z: UnsafePointer<Double>, u: UnsafePointer<Double>, classes: UnsafePointer<Int32>,
                                       a: UnsafePointer<Double>, n: Int, k: Int, step: Double) -> (Double, Double) {
        var first = 0.0, second = 0.0
        var t = [Double](repeating: 0, count: k)
        for i in 0..<n {
            let y = Int(classes[i])
            if y < 0 { continue }
            var m = -Double.infinity
            for c in 0..<k {
                t[c] = z[c * n + i] + step * u[c * n + i]
                m = max(m, t[c])
            }
            var total = 0.0, pu = 0.0, puu = 0.0
            for c in 0..<k {
                let e = exp(t[c] - m)
                let uc = u[c * n + i]
                total += e
                pu += e * uc
                puu += e * uc * uc
            }
            pu /= total
            puu /= total
            first += a[i] * (pu - u[y * n + i])
            second += a[i] * (puu - pu * pu)
        }
        return (first, second)
    }

    /// The minimiser of a strictly convex φ on α ≥ 0 whose slope at 0 is
    /// negative, to |φ'(α)| ≤ 10⁻³·|φ'(0)|: safeguarded Newton from α = 1 (the
    /// quasi-Newton step) or, with no curvature history, from Newton's own first
    /// step; bisection whenever Newton would leave the bracket.
    static func lineSearch(slope: Double, curvature: Double?, derivatives: (Double) -> (Double, Double)) -> Double {
        var lo = 0.0, hi = Double.infinity
        var alpha = curvature.map { $0 > 0 ? -slope / $0 : 1 } ?? 1
        if !(alpha > 0) || !alpha.isFinite { alpha = 1 }
        for _ in 0..<100 {
            let (g, h) = derivatives(alpha)
            if abs(g) <= 1e-3 * abs(slope) { return alpha }
            if g < 0 { lo = alpha } else { hi = alpha }
            if hi.isFinite && hi - lo <= 1e-14 * hi { break }
            var next = alpha - g / h
            if !(next > lo && next < hi) || !next.isFinite {
                next = hi.isFinite ? 0.5 * (lo + hi) : 4 * alpha
            }
            alpha = next
        }
        return lo > 0 ? lo : alpha
    }
}
