import CBLAS

/// The few OpenBLAS entry points Focal needs, with Swift argument names.
public enum BLAS {
    /// OpenBLAS's own worker threads for one call (it starts with one per core).
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }

    /// C = A·B + β·C for row-major matrices: A is m×k, B is k×n, or n×k when
    /// `transposeB` (weights kept as out×in, as stored), C is m×n.
    @inlinable
    public static func gemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0
    ) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The Euclidean norm of `x`.
    public static func norm(_ x: [Float]) -> Float {
        cblas_snrm2(Int32(x.count), x, 1)
    }

    /// a − b, element by element.
    public static func difference(_ a: [Float], _ b: [Float]) -> [Float] {
        precondition(a.count == b.count)
        var out = a
        cblas_saxpy(Int32(a.count), -1, b, 1, &out, 1)
        return out
    }

    /// AᵀA for a row-major m×n float64 matrix A: the n×n Gram matrix (LAPACK
    /// wants it whole, so dsyrk's upper triangle is mirrored into the lower).
    public static func gram(_ a: [Double], rows m: Int, columns n: Int) -> [Double] {
        precondition(a.count == m * n)
        var c = [Double](repeating: 0, count: n * n)
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(m), 1, a, Int32(n), 0, &c, Int32(n))
        for i in 0..<n { for j in 0..<i { c[i * n + j] = c[j * n + i] } }
        return c
    }

    /// Solves A·X = B in place for symmetric positive-definite A (n×n), B n×nrhs,
    /// both column-major, in float64 (LAPACK dposv). Returns LAPACK's `info`:
    /// 0 on success, > 0 when A is not positive definite.
    public static func solvePositiveDefinite(_ a: inout [Double], _ b: inout [Double], n: Int, rightHandSides: Int) -> Int {
        var uplo = CChar(UInt8(ascii: "L"))
        var n32 = Int32(n), nrhs = Int32(rightHandSides), lda = Int32(n), ldb = Int32(n), info: Int32 = 0
        a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeMutableBufferPointer { bp in
                dposv_(&uplo, &n32, &nrhs, ap.baseAddress, &lda, bp.baseAddress, &ldb, &info)
            }
        }
        return Int(info)
    }

    /// Solves L·X = B (or Lᵀ·X = B) in place for lower-triangular L (n×n,
    /// column-major, as LAPACK's Cholesky leaves it) and B n×columns, column-major (dtrsm).
    public static func solveLowerTriangular(_ l: UnsafePointer<Double>, n: Int, _ b: UnsafeMutablePointer<Double>,
                                            columns: Int, transposed: Bool) {
        cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, transposed ? CblasTrans : CblasNoTrans, CblasNonUnit,
                    Int32(n), Int32(columns), 1, l, Int32(n), b, Int32(n))
    }
}
