import FocalNumerics
import FocalTraining

/// Embeddings centred on the training mean and scaled to unit length, so that
/// the dot product of two rows is their cosine similarity.
///
/// Why centre: the backbone's features are averages of ReLU6 outputs, all
/// non-negative, so raw cosines between unrelated photos sit high (0.6-0.8) and
/// close together. Around the training mean, unrelated photos score near 0 and
/// only what sets images apart counts, which makes one threshold meaningful
/// for duplicates and distances.
public struct UnitEmbeddings: Sendable {
    /// The centred, unit-length rows.
    public private(set) var matrix: FeatureMatrix
    public var rows: Int { matrix.rows }
    public var columns: Int { matrix.columns }
    public var values: [Float] { matrix.values }

    /// The column means of `x` (in float64, rounded once).
    public static func mean(of x: FeatureMatrix) -> [Float] {
        var sums = [Double](repeating: 0, count: x.columns)
        for i in 0..<x.rows {
            for (j, v) in x.row(i).enumerated() { sums[j] += Double(v) }
        }
        return sums.map { Float($0 / Double(max(x.rows, 1))) }
    }

    /// Rows of `x` minus `mean`, each scaled to length 1 (a row equal to the mean stays 0).
    public init(_ x: FeatureMatrix, mean: [Float]) {
        precondition(mean.count == x.columns, "\(mean.count) means for \(x.columns) columns")
        var out = [Float](repeating: 0, count: x.values.count)
        for i in 0..<x.rows {
            let base = i * x.columns
            var norm: Float = 0
            for j in 0..<x.columns {
                let v = x.values[base + j] - mean[j]
                out[base + j] = v
                norm += v * v
            }
            let scale: Float = norm > 0 ? 1 / norm.squareRoot() : 0
            for j in 0..<x.columns { out[base + j] *= scale }
        }
        matrix = FeatureMatrix(rows: x.rows, columns: x.columns, values: out)
    }

    /// Rows already centred and of unit length (cluster centres).
    init(rows: Int, columns: Int, values: [Float]) {
        matrix = FeatureMatrix(rows: rows, columns: columns, values: values)
    }

    public func row(_ i: Int) -> ArraySlice<Float> { matrix.row(i) }

    public func subset(_ indices: [Int]) -> UnitEmbeddings {
        var subset = self
        subset.matrix = matrix.rows(indices)
        return subset
    }

    /// Cosine similarities, self.rows × other.rows row-major: one SGEMM.
    public func similarities(to other: UnitEmbeddings) -> [Float] {
        precondition(columns == other.columns)
        var out = [Float](repeating: 0, count: rows * other.rows)
        guard rows > 0, other.rows > 0 else { return out }
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(m: rows, n: other.rows, k: columns, a: a.baseAddress!, lda: columns,
                              b: b.baseAddress!, ldb: columns, transposeB: true, c: c.baseAddress!, ldc: other.rows)
                }
            }
        }
        return out
    }

    /// For every row of self, the most similar row of `reference` and the
    /// similarity; `excludingSelf` skips the same index (self and reference are
    /// the same set). Computed a block of rows at a time, so memory stays
    /// bounded for large sets. nil index when the reference is empty.
    public func nearest(in reference: UnitEmbeddings, excludingSelf: Bool = false) -> [(index: Int?, similarity: Float)] {
        var out: [(index: Int?, similarity: Float)] = []
        out.reserveCapacity(rows)
        let block = 1024
        for start in stride(from: 0, to: rows, by: block) {
            let indices = Array(start..<min(rows, start + block))
            let s = subset(indices).similarities(to: reference)
            for (local, i) in indices.enumerated() {
                var best: Int?, bestValue = -Float.infinity
                for j in 0..<reference.rows where !(excludingSelf && j == i) {
                    let v = s[local * reference.rows + j]
                    if v > bestValue { bestValue = v; best = j }
                }
                out.append((best, best == nil ? -1 : bestValue))
            }
        }
        return out
    }
}
