import FocalNumerics

/// The two products an L-BFGS iteration needs, U = V·Xᵀ and G = R·X, for a
/// float32 feature matrix X (N×D, row-major) and K rows V (K×D) or R (K×N).
///
/// With many concepts these are SGEMMs. With few (K ≤ `streamingLimit`) they
/// are not: OpenBLAS 0.3 packs X into its own layout on every call, and with
/// K = 2 that copy is most of the work — measured on 50,000×1280, `sgemm` with
/// n = 2 spends 54% of its time in the packing routines and moves ~4 GB/s,
/// while one streaming pass over X moves 11–16 GB/s. So for few concepts X is
/// read once, row by row, by these SIMD loops instead: the products for up to
/// four concepts at a time come out of one pass.
///
/// Both paths split rows into fixed blocks; each block's float32 part of G is
/// summed into float64 in block order, so the result does not depend on the
/// thread count or timing.
enum FeatureProducts {
    /// At or below this many concepts, stream; above, SGEMM.
    static let streamingLimit = 4
    /// Rows per block (and per float32 partial sum of G).
    static let blockRows = 2048

    /// out[k·n + i] = Σ_j x[i, j]·v[k, j] for every row i and k < kCount.
    static func project(x: UnsafePointer<Float>, n: Int, d: Int, v: UnsafePointer<Float>, k kCount: Int,
                        out: UnsafeMutablePointer<Float>, workers: Int) {
        if kCount > streamingLimit {
            // Rows are independent, so OpenBLAS's own threads keep it deterministic.
            BLAS.gemm(m: kCount, n: n, k: d, a: v, lda: d, b: x, ldb: d, transposeB: true, c: out, ldc: n)
            return
        }
        for first in stride(from: 0, to: kCount, by: 4) {
            let group = min(4, kCount - first)
            let v4 = padded(v + first * d, k: group, d: d)
            defer { v4.deallocate() }
            parallelChunks(n, workers: workers) { rows in
                for i in rows {
                    let dots = dot4(x + i * d, v4, d: d)
                    for k in 0..<group { out[(first + k) * n + i] = dots[k] }
                }
            }
        }
    }

    /// total[k·d + j] = Σ_i r[k·n + i]·x[i, j], summed in float32 within each
    /// block of rows and in float64 across blocks, in block order.
    static func accumulate(x: UnsafePointer<Float>, n: Int, d: Int, r: UnsafePointer<Float>, k kCount: Int,
                           into total: inout [Double], workers: Int) {
        precondition(total.count == kCount * d)
        let blocks = (n + blockRows - 1) / blockRows
        guard kCount <= streamingLimit else {
            let block = UnsafeMutablePointer<Float>.allocate(capacity: kCount * d)
            defer { block.deallocate() }
            for b in 0..<blocks {
                let start = b * blockRows, rows = min(blockRows, n - start)
                BLAS.gemm(m: kCount, n: d, k: rows, a: r + start, lda: n, b: x + start * d, ldb: d, c: block, ldc: d)
                for j in 0..<(kCount * d) { total[j] += Double(block[j]) }
            }
            return
        }
        // Four concept rows (zero-padded) per pass, each block's sums kept apart.
        let partial = UnsafeMutablePointer<Float>.allocate(capacity: blocks * 4 * d)
        defer { partial.deallocate() }
        for first in stride(from: 0, to: kCount, by: 4) {
            let group = min(4, kCount - first)
            partial.update(repeating: 0, count: blocks * 4 * d)
            parallelChunks(blocks, workers: workers) { range in
                var coefficients = [Float](repeating: 0, count: 4)
                for b in range {
                    let g = partial + b * 4 * d
                    for i in (b * blockRows)..<min((b + 1) * blockRows, n) {
                        for k in 0..<4 { coefficients[k] = k < group ? r[(first + k) * n + i] : 0 }
                        axpy4(coefficients, x + i * d, g, d: d)
                    }
                }
            }
            for b in 0..<blocks {
                let g = partial + b * 4 * d
                for k in 0..<group { for j in 0..<d { total[(first + k) * d + j] += Double(g[k * d + j]) } }
            }
        }
    }

    /// V padded with zero rows to four.
    private static func padded(_ v: UnsafePointer<Float>, k: Int, d: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: 4 * d)
        p.initialize(repeating: 0, count: 4 * d)
        p.update(from: v, count: k * d)
        return p
    }

    /// Four dot products of one row with the four rows of v4 (4×D).
    @inline(__always)
    private static func dot4(_ x: UnsafePointer<Float>, _ v4: UnsafePointer<Float>, d: Int) -> SIMD4<Float> {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var j = 0
        while j + 16 <= d {
            let xv = load(x + j)
            a0 = a0.addingProduct(xv, load(v4 + j))
            a1 = a1.addingProduct(xv, load(v4 + d + j))
            a2 = a2.addingProduct(xv, load(v4 + 2 * d + j))
            a3 = a3.addingProduct(xv, load(v4 + 3 * d + j))
            j += 16
        }
        var s = SIMD4<Float>(a0.sum(), a1.sum(), a2.sum(), a3.sum())
        while j < d {
            s = s.addingProduct(SIMD4(repeating: x[j]), SIMD4(v4[j], v4[d + j], v4[2 * d + j], v4[3 * d + j]))
            j += 1
        }
        return s
    }

    /// g[k·d + j] += c[k]·x[j] for the four rows of g.
    @inline(__always)
    private static func axpy4(_ c: [Float], _ x: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, d: Int) {
        let c0 = SIMD16<Float>(repeating: c[0]), c1 = SIMD16<Float>(repeating: c[1])
        let c2 = SIMD16<Float>(repeating: c[2]), c3 = SIMD16<Float>(repeating: c[3])
        var j = 0
        while j + 16 <= d {
            let xv = load(x + j)
            store(load(g + j).addingProduct(c0, xv), g + j)
            store(load(g + d + j).addingProduct(c1, xv), g + d + j)
            store(load(g + 2 * d + j).addingProduct(c2, xv), g + 2 * d + j)
            store(load(g + 3 * d + j).addingProduct(c3, xv), g + 3 * d + j)
            j += 16
        }
        while j < d {
            for k in 0..<4 { g[k * d + j] += c[k] * x[j] }
            j += 1
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    private static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD16<Float> { load(UnsafePointer(p)) }

    @inline(__always)
    private static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }
}
