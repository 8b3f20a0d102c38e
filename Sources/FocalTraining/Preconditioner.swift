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
    /// The vectors are solved together, column of L by column, so that L (n²
    /// values, more than the caches hold) is read from memory once per batch.
    func solve(_ vectors: [UnsafeMutablePointer<Double>]) {
        lower.withUnsafeBufferPointer { l in
            let l = l.baseAddress!
            // L·y = v: y_j = v_j / L_jj, then v_i −= L_ij·y_j below (contiguous in i).
            for j in 0..<n {
                let column = l + j * n
                for v in vectors {
                    let y = v[j] / column[j]
                    v[j] = y
                    for i in (j + 1)..<n { v[i] -= column[i] * y }
                }
            }
            // Lᵀ·x = y from the bottom: x_j = (y_j − Σ_{i>j} L_ij·x_i) / L_jj.
            for j in stride(from: n - 1, through: 0, by: -1) {
                let column = l + j * n
                for v in vectors { v[j] = (v[j] - dotTail(column, v, from: j + 1)) / column[j] }
            }
        }
        for v in vectors { v[n] /= interceptCurvature }
    }

    /// Σ_{i ≥ start} a[i]·b[i], eight lanes at a time (a fixed order, so the
    /// same inputs give the same sum; the compiler will not reorder a scalar sum).
    @inline(__always)
    private func dotTail(_ a: UnsafePointer<Double>, _ b: UnsafeMutablePointer<Double>, from start: Int) -> Double {
        var lanes = SIMD8<Double>()
        var i = start
        while i + 8 <= n {
            let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Double>.self)
            let y = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Double>.self)
            lanes = lanes.addingProduct(x, y)
            i += 8
        }
        var s = lanes.sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }
}
