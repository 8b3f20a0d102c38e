import FocalNumerics
import Foundation

/// An approximate Hessian for L-BFGS to start from: β·Σ + I for each weight
/// column, where Σ is the covariance of the standardised features, and β for
/// the intercept.
///
/// Why: embedding features are strongly correlated (a few hundred directions
/// carry most of the variance), so the logistic objective is badly conditioned
/// and plain L-BFGS spends most of its iterations on that — each iteration two
/// passes over X. The data part of the Hessian is C·Σ_i s_i·p_i(1−p_i)·x_i·x_iᵀ;
/// replacing p(1−p) by a constant q (¼ for a sigmoid, the largest it can be)
/// gives β·Σ with β = C·Σs·q, so β·Σ + I is the Hessian up to how p(1−p)
/// varies between samples, and L-BFGS's memory corrects the rest. Only the
/// speed depends on it, never the optimum, so Σ is estimated from an evenly
/// spaced subset of at most `sampleRows` rows (one SGEMM), and β is rounded
/// to a power of √2 so that concepts with similar β share one Cholesky factor.
final class Preconditioner {
    static let sampleRows = 4096
    let d: Int
    /// Σ, D×D, float64, symmetric.
    private let covariance: [Double]
    private var factors: [Int: CholeskyFactor] = [:]

    init(standardized x: FeatureMatrix) {
        let d = x.columns
        self.d = d
        let m = min(x.rows, Self.sampleRows)
        // Sampled rows, transposed (D×m), so that Σ·m = A·Aᵀ is one SGEMM.
        var a = [Float](repeating: 0, count: d * m)
        for s in 0..<m {
            let i = s * x.rows / m
            for j in 0..<d { a[j * m + s] = x.values[i * d + j] }
        }
        var gram = [Float](repeating: 0, count: d * d)
        a.withUnsafeBufferPointer { ap in
            gram.withUnsafeMutableBufferPointer { g in
                BLAS.gemm(m: d, n: d, k: m, a: ap.baseAddress!, lda: m, b: ap.baseAddress!, ldb: m, transposeB: true,
                          c: g.baseAddress!, ldc: d)
            }
        }
        covariance = gram.map { Double($0) / Double(max(m, 1)) }
    }

    /// The factor of β·Σ + I for β rounded to a power of √2.
    func factor(beta: Double) -> CholeskyFactor {
        let exponent = Int((2 * log2(max(beta, 1e-300))).rounded())
        if let f = factors[exponent] { return f }
        let rounded = pow(2, Double(exponent) / 2)
        var a = covariance.map { $0 * rounded }
        for j in 0..<d { a[j * d + j] += 1 }
        var rhs = [Double](repeating: 0, count: d)
        let info = BLAS.solvePositiveDefinite(&a, &rhs, n: d, rightHandSides: 1)
        precondition(info == 0, "β·Σ + I is positive definite by construction (LAPACK info \(info))")
        let f = CholeskyFactor(key: exponent, lower: a, n: d, interceptCurvature: rounded)
        factors[exponent] = f
        return f
    }
}

/// L·Lᵀ = β·Σ + I (L lower triangular, column-major, as LAPACK left it) and β
/// for the intercept: applies the preconditioner's inverse to one column's [w, b].
struct CholeskyFactor {
    /// Which β (as 2·log₂β) this factors; equal keys, equal factors.
    let key: Int
    let lower: [Double]
    let n: Int
    let interceptCurvature: Double

    /// For every pointer v: v[0..<n] ← (L·Lᵀ)⁻¹·v[0..<n] and v[n] ← v[n] / β.
    /// The vectors are gathered into one n×m matrix and solved together by two
    /// triangular solves (BLAS dtrsm, blocked), so L (n² values, more than the
    /// caches hold) is read a few times per batch rather than once per vector.
    func solve(_ vectors: [UnsafeMutablePointer<Double>]) {
        let m = vectors.count
        guard m > 0 else { return }
        let b = UnsafeMutablePointer<Double>.allocate(capacity: n * m)
        defer { b.deallocate() }
        for (c, v) in vectors.enumerated() { (b + c * n).update(from: v, count: n) }
        lower.withUnsafeBufferPointer { l in
            BLAS.solveLowerTriangular(l.baseAddress!, n: n, b, columns: m, transposed: false)
            BLAS.solveLowerTriangular(l.baseAddress!, n: n, b, columns: m, transposed: true)
        }
        for (c, v) in vectors.enumerated() {
            v.update(from: b + c * n, count: n)
            v[n] /= interceptCurvature
        }
    }
}
