/// Feature vectors, one row per sample, stored row-major in float32: the
/// backbone's embeddings (1280 columns for EfficientNet-Lite0), or any other width.
///
/// Float32 because that is what the backbone writes and what SGEMM reads at
/// twice the speed of float64; the solver accumulates the sums that decide the
/// objective in float64 (see `LogisticSolver`).
public struct FeatureMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public internal(set) var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(rows >= 0 && columns > 0, "a feature matrix needs at least one column")
        precondition(values.count == rows * columns, "\(values.count) values for \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// One row per inner array; all rows must have the same length.
    public init(_ rows: [[Float]]) {
        precondition(!rows.isEmpty, "no rows")
        let columns = rows[0].count
        precondition(rows.allSatisfy { $0.count == columns }, "rows of different lengths")
        self.init(rows: rows.count, columns: columns, values: rows.flatMap { $0 })
    }

    public func row(_ i: Int) -> ArraySlice<Float> { values[(i * columns)..<((i + 1) * columns)] }

    /// The first value that is NaN or infinite, by row and column (0-based).
    public func firstNonFinite() -> (row: Int, column: Int, value: Float)? {
        guard let i = values.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (i / columns, i % columns, values[i])
    }

    /// The rows at `indices`, in that order (cross-validation folds, bootstrap samples).
    public func rows(_ indices: [Int]) -> FeatureMatrix {
        var out = [Float]()
        out.reserveCapacity(indices.count * columns)
        for i in indices { out += row(i) }
        return FeatureMatrix(rows: indices.count, columns: columns, values: out)
    }
}

/// Per-column centring and scaling learned from training features, stored with
/// the model so that prediction sees features on the scale the weights were fitted on.
///
/// Standardising makes one C mean the same thing for every column and keeps the
/// problem well conditioned for L-BFGS. Like scikit-learn's `StandardScaler`: the
/// population standard deviation (divide by n), and a scale of 1 for constant
/// columns (which then contribute nothing).
public struct Standardization: Codable, Sendable, Equatable {
    public var mean: [Double]
    public var scale: [Double]

    public init(mean: [Double], scale: [Double]) {
        precondition(mean.count == scale.count)
        self.mean = mean
        self.scale = scale
    }

    /// Mean and standard deviation of every column, in float64 and in a fixed
    /// order (two passes, row by row), so the same rows give the same numbers.
    public init(fitting x: FeatureMatrix) {
        precondition(x.rows > 0, "cannot standardise zero rows")
        let d = x.columns
        var mean = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        x.values.withUnsafeBufferPointer { v in
            for i in 0..<x.rows {
                let row = v.baseAddress! + i * d
                for j in 0..<d { mean[j] += Double(row[j]) }
            }
            for j in 0..<d { mean[j] /= Double(x.rows) }
            for i in 0..<x.rows {
                let row = v.baseAddress! + i * d
                for j in 0..<d {
                    let c = Double(row[j]) - mean[j]
                    squares[j] += c * c
                }
            }
        }
        let scale = (0..<d).map { j -> Double in
            let sd = (squares[j] / Double(x.rows)).squareRoot()
            // A constant column (zero spread up to rounding) keeps scale 1.
            return sd <= 10 * Double.ulpOfOne * abs(mean[j]) || sd == 0 ? 1 : sd
        }
        self.init(mean: mean, scale: scale)
    }

    /// `transform`, in place: training standardises its matrix without a second copy.
    public func standardize(_ x: inout FeatureMatrix) {
        precondition(x.columns == mean.count, "\(x.columns) feature columns, the model has \(mean.count)")
        let d = x.columns, rows = x.rows
        let inverse = scale.map { 1 / $0 }
        x.values.withUnsafeMutableBufferPointer { v in
            for i in 0..<rows {
                let base = i * d
                for j in 0..<d { v[base + j] = Float((Double(v[base + j]) - mean[j]) * inverse[j]) }
            }
        }
    }

    /// (x − mean) / scale, computed in float64 and rounded once to float32.
    public func transform(_ x: FeatureMatrix) -> FeatureMatrix {
        precondition(x.columns == mean.count, "\(x.columns) feature columns, the model has \(mean.count)")
        let d = x.columns
        let inverse = scale.map { 1 / $0 }
        var out = [Float](repeating: 0, count: x.values.count)
        x.values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<x.rows {
                    let base = i * d
                    for j in 0..<d { o[base + j] = Float((Double(v[base + j]) - mean[j]) * inverse[j]) }
                }
            }
        }
        return FeatureMatrix(rows: x.rows, columns: d, values: out)
    }
}
