import FocalNumerics

/// The buffers of one `LogisticSolver` run and the products with X over them.
///
/// A class over raw allocations because the per-concept line searches and
/// residual passes run on several threads at once, each touching only its own
/// concept's rows of these buffers.
final class SolverState {
    let problem: LogisticProblem
    let n: Int, d: Int, k: Int
    /// Parameters, float64: K×D weights and K intercepts.
    private(set) var weights: [Double]
    private(set) var intercepts: [Double]
    /// Logits z = W·Xᵀ + b, K×N, float64, kept current as z += α·u.
    let logits: UnsafeMutablePointer<Double>
    /// u = D_w·Xᵀ + d_b for the current directions, K×N (rows of inactive concepts stale).
    let projections: UnsafeMutablePointer<Double>
    /// a = C·s per column and row, K×N (multinomial: the same row weights in every column).
    let rowScales: UnsafeMutablePointer<Double>
    /// r = ∂loss/∂z, K×N float32: the left operand of the gradient GEMM.
    let residual: UnsafeMutablePointer<Float>
    /// Σ_i r_ki per column: the intercepts' gradient.
    let interceptGradient: UnsafeMutablePointer<Double>
    /// Packed rows for the products (active columns only) and their result.
    let packed: UnsafeMutablePointer<Float>
    let product: UnsafeMutablePointer<Float>
    /// Threads for the streaming products and per-concept loops.
    let workers: Int

    init(problem: LogisticProblem, start: (weights: [Double], intercepts: [Double])?, workers: Int) {
        self.problem = problem
        self.workers = workers
        n = problem.rows; d = problem.features; k = problem.outputs
        weights = start?.weights ?? [Double](repeating: 0, count: k * d)
        intercepts = start?.intercepts ?? [Double](repeating: 0, count: k)
        precondition(weights.count == k * d && intercepts.count == k)
        logits = .allocate(capacity: k * n)
        projections = .allocate(capacity: k * n)
        rowScales = .allocate(capacity: k * n)
        residual = .allocate(capacity: k * n)
        interceptGradient = .allocate(capacity: k)
        packed = .allocate(capacity: k * max(n, d))
        product = .allocate(capacity: k * max(n, d))
        for col in 0..<k {
            for i in 0..<n {
                let s = problem.kind == .binary ? problem.sampleWeights[col * n + i] : problem.sampleWeights[i]
                rowScales[col * n + i] = problem.c[problem.kind == .binary ? col : 0] * s
            }
        }
        // z = W·Xᵀ + b (only a warm start has non-zero weights).
        if weights.contains(where: { $0 != 0 }) {
            multiplyByFeatures(weights, columns: Array(0..<k), into: logits)
        } else {
            logits.update(repeating: 0, count: k * n)
        }
        for col in 0..<k { for i in 0..<n { logits[col * n + i] += intercepts[col] } }
    }

    deinit {
        for p in [logits, projections, rowScales, interceptGradient] as [UnsafeMutablePointer<Double>] { p.deallocate() }
        for p in [residual, packed, product] as [UnsafeMutablePointer<Float>] { p.deallocate() }
    }

    /// out[col] = M[col]·Xᵀ for the listed columns of M (K×D float64), as one SGEMM.
    private func multiplyByFeatures(_ m: [Double], columns: [Int], into out: UnsafeMutablePointer<Double>) {
        let ka = columns.count
        for (slot, col) in columns.enumerated() {
            for j in 0..<d { packed[slot * d + j] = Float(m[col * d + j]) }
        }
        problem.x.values.withUnsafeBufferPointer { x in
            FeatureProducts.project(x: x.baseAddress!, n: n, d: d, v: packed, k: ka, out: product, workers: workers)
        }
        for (slot, col) in columns.enumerated() {
            for i in 0..<n { out[col * n + i] = Double(product[slot * n + i]) }
        }
    }

    /// Losses (data term) of the listed problems at the current logits, and
    /// their residuals; `squares` gets each listed problem's Σ (a·logloss)².
    func residuals(problems: [Int], workers: Int, squares: inout [Double]) -> [Double] {
        var losses = [Double](repeating: 0, count: problem.problemCount)
        precondition(squares.count == problem.problemCount)
        squares.withUnsafeMutableBufferPointer { squaresOut in
        losses.withUnsafeMutableBufferPointer { out in
            parallelChunks(problems.count, workers: problem.kind == .binary ? workers : 1) { range in
                for slot in range {
                    let p = problems[slot]
                    switch self.problem.kind {
                    case .binary:
                        let (loss, sum, sq) = self.problem.targets.withUnsafeBufferPointer { y in
                            LogisticLoss.binaryResidual(z: self.logits + p * self.n, y: y.baseAddress! + p * self.n,
                                                        a: self.rowScales + p * self.n, n: self.n,
                                                        residual: self.residual + p * self.n)
                        }
                        out[p] = loss
                        squaresOut[p] = sq
                        self.interceptGradient[p] = sum
                    case .multinomial:
                        let (loss, sums, sq) = self.problem.classes.withUnsafeBufferPointer { c in
                            LogisticLoss.multinomialResidual(z: self.logits, classes: c.baseAddress!, a: self.rowScales,
                                                             n: self.n, k: self.k, residual: self.residual)
                        }
                        out[p] = loss
                        squaresOut[p] = sq
                        for col in 0..<self.k { self.interceptGradient[col] = sums[col] }
                    }
                }
            }
        }
        }
        return losses
    }

    /// Rows with a non-zero weight in problem `p` (held-out rows have none).
    func weightedRows(problem p: Int) -> Int {
        let col = problem.columns(of: p).lowerBound
        var count = 0
        for i in 0..<n where rowScales[col * n + i] != 0 { count += 1 }
        return count
    }

    /// z, K×N: the logits of every row, weighted or not (cross-validation
    /// reads its held-out rows' scores from here).
    func currentLogits() -> [Double] { Array(UnsafeBufferPointer(start: logits, count: k * n)) }

    /// ∇f of the listed problems: R·X over blocks of rows, each block's float32
    /// product added in float64 in order, plus w for the penalty; laid out per
    /// problem as [w (D), b] for each of its columns.
    func gradients(problems: [Int]) -> [[Double]] {
        let columns = problems.flatMap { Array(problem.columns(of: $0)) }
        let ka = columns.count
        for (slot, col) in columns.enumerated() { (packed + slot * n).update(from: residual + col * n, count: n) }
        var total = [Double](repeating: 0, count: ka * d)
        problem.x.values.withUnsafeBufferPointer { x in
            FeatureProducts.accumulate(x: x.baseAddress!, n: n, d: d, r: packed, k: ka, into: &total, workers: workers)
        }
        var out = [[Double]](repeating: [], count: problem.problemCount)
        var slot = 0
        for p in problems {
            var g: [Double] = []
            g.reserveCapacity(problem.columns(of: p).count * (d + 1))
            for col in problem.columns(of: p) {
                for j in 0..<d { g.append(total[slot * d + j] + penalty(j) * weights[col * d + j]) }
                g.append(interceptGradient[col])
                slot += 1
            }
            out[p] = g
        }
        return out
    }

    /// π_j, the penalty's weight on feature j (1 unless the problem says otherwise).
    @inline(__always)
    private func penalty(_ j: Int) -> Double { problem.penalty?[j] ?? 1 }

    func objective(problem p: Int, loss: Double) -> Double {
        var total = 0.0
        for col in problem.columns(of: p) {
            for j in 0..<d { total += penalty(j) * weights[col * d + j] * weights[col * d + j] }
        }
        return loss + 0.5 * total
    }

    /// u = D_w·Xᵀ + d_b for the listed problems' directions (one SGEMM for all).
    func project(directions: [[Double]], problems: [Int]) {
        let columns = problems.flatMap { Array(problem.columns(of: $0)) }
        var m = [Double](repeating: 0, count: k * d)
        var bias = [Double](repeating: 0, count: k)
        for p in problems {
            for (offset, col) in problem.columns(of: p).enumerated() {
                let base = offset * (d + 1)
                for j in 0..<d { m[col * d + j] = directions[p][base + j] }
                bias[col] = directions[p][base + d]
            }
        }
        multiplyByFeatures(m, columns: columns, into: projections)
        for col in columns { for i in 0..<n { projections[col * n + i] += bias[col] } }
    }

    /// The step along `direction` (already projected) that minimises problem
    /// `p`'s objective; 0 when the direction does not descend.
    func lineSearch(problem p: Int, direction: [Double], firstStep: Bool) -> Double {
        let cols = problem.columns(of: p)
        var wd = 0.0, dd = 0.0
        for (offset, col) in cols.enumerated() {
            for j in 0..<d {
                let dj = direction[offset * (d + 1) + j], pj = penalty(j)
                wd += pj * weights[col * d + j] * dj
                dd += pj * dj * dj
            }
        }
        let derivatives: (Double) -> (Double, Double)
        switch problem.kind {
        case .binary:
            let z = logits + p * n, u = projections + p * n, a = rowScales + p * n
            derivatives = { step in
                let (g, h) = self.problem.targets.withUnsafeBufferPointer { y in
                    LogisticLoss.binaryDerivatives(z: z, u: u, y: y.baseAddress! + p * self.n, a: a, n: self.n, step: step)
                }
                return (g + wd + step * dd, h + dd)
            }
        case .multinomial:
            derivatives = { step in
                let (g, h) = self.problem.classes.withUnsafeBufferPointer { c in
                    LogisticLoss.multinomialDerivatives(z: self.logits, u: self.projections, classes: c.baseAddress!,
                                                        a: self.rowScales, n: self.n, k: self.k, step: step)
                }
                return (g + wd + step * dd, h + dd)
            }
        }
        let (slope, curvature) = derivatives(0)
        guard slope < 0 else { return 0 }
        return LogisticLoss.lineSearch(slope: slope, curvature: firstStep ? curvature : nil, derivatives: derivatives)
    }

    func move(problem p: Int, direction: [Double], step: Double) {
        for (offset, col) in problem.columns(of: p).enumerated() {
            let base = offset * (d + 1)
            for j in 0..<d { weights[col * d + j] += step * direction[base + j] }
            intercepts[col] += step * direction[base + d]
            let z = logits + col * n, u = projections + col * n
            for i in 0..<n { z[i] += step * u[i] }
        }
    }
}
