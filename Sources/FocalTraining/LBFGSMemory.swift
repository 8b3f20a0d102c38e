/// The limited-memory quasi-Newton part of L-BFGS for one problem: the last few
/// steps s and gradient changes y, and the two-loop recursion that turns a
/// gradient into a search direction −H·g (Nocedal & Wright, algorithm 7.4).
///
/// Kept apart from the solver because the solver advances several independent
/// problems in lockstep (one per concept) and each needs its own memory.
///
/// With a preconditioner P ≈ the Hessian the initial inverse Hessian is γ·P⁻¹
/// instead of γ·I. Applying P⁻¹ is left to the caller, between
/// `beginDirection` and `finishDirection`, so that it can do it for all
/// problems at once (one read of P's factor for all of them).
struct LBFGSMemory {
    let capacity: Int
    private var steps: [[Double]] = []
    private var changes: [[Double]] = []
    private var inverseCurvatures: [Double] = []
    /// γ = sᵀy / yᵀP⁻¹y of the newest pair.
    private var gamma = 1.0

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    var isEmpty: Bool { steps.isEmpty }

    mutating func reset() {
        steps.removeAll(keepingCapacity: true)
        changes.removeAll(keepingCapacity: true)
        inverseCurvatures.removeAll(keepingCapacity: true)
    }

    /// Records one step s with gradient change y and P⁻¹·y (y itself without a
    /// preconditioner). A pair with too little curvature (sᵀy not clearly
    /// positive, which rounding can cause near the optimum) would make H
    /// indefinite, so it is skipped; returns whether the pair was kept.
    @discardableResult
    mutating func update(step s: [Double], gradientChange y: [Double], preconditionedChange py: [Double]) -> Bool {
        let sy = dot(s, y), yy = dot(y, y)
        guard sy > 1e-12 * yy, sy > 0 else { return false }
        if steps.count == capacity {
            steps.removeFirst()
            changes.removeFirst()
            inverseCurvatures.removeFirst()
        }
        steps.append(s)
        changes.append(y)
        inverseCurvatures.append(1 / sy)
        gamma = sy / dot(y, py)
        return true
    }

    /// This memory for a problem whose data term is ρ times this one's and
    /// whose penalty weights are π (nil: 1) instead of 1: each y = H·s becomes
    /// ρ·(y − s_w) + π·s_w per output column of `features` weights and an
    /// intercept. A cross-validation fold (ρ ≈ 0.8 of the rows) starts with the
    /// whole-data fit's curvature this way, so its first step is already a
    /// quasi-Newton step rather than a scaled gradient.
    func transferred(dataScale rho: Double, penalty: [Double]?, features d: Int) -> LBFGSMemory {
        var out = LBFGSMemory(capacity: capacity)
        for (s, y) in zip(steps, changes) {
            var t = y
            for start in stride(from: 0, to: y.count, by: d + 1) {
                for j in 0..<d {
                    let sj = s[start + j]
                    t[start + j] = rho * (y[start + j] - sj) + (penalty?[j] ?? 1) * sj
                }
                t[start + d] = rho * y[start + d]
            }
            let sy = dot(s, t)
            guard sy > 1e-12 * dot(t, t), sy > 0 else { continue }
            out.steps.append(s)
            out.changes.append(t)
            out.inverseCurvatures.append(1 / sy)
        }
        out.gamma = gamma / rho
        return out
    }

    /// The first loop of the two-loop recursion: q = g − Σ αᵢ·yᵢ, newest first.
    /// The caller replaces q by P⁻¹·q and passes both to `finishDirection`.
    func beginDirection(gradient g: [Double]) -> (q: [Double], alphas: [Double]) {
        var q = g
        let m = steps.count
        var alphas = [Double](repeating: 0, count: m)
        for i in stride(from: m - 1, through: 0, by: -1) {
            let a = inverseCurvatures[i] * dot(steps[i], q)
            alphas[i] = a
            axpy(-a, changes[i], &q)
        }
        return (q, alphas)
    }

    /// −H·g from P⁻¹·q: scaled by γ (Nocedal & Wright 7.20), then the second
    /// loop. With an empty memory, −P⁻¹·g: the line search then finds the scale.
    func finishDirection(_ r: [Double], alphas: [Double]) -> [Double] {
        var r = r
        let m = steps.count
        if m > 0 { for j in r.indices { r[j] *= gamma } }
        for i in 0..<m {
            let b = inverseCurvatures[i] * dot(changes[i], r)
            axpy(alphas[i] - b, steps[i], &r)
        }
        for j in r.indices { r[j] = -r[j] }
        return r
    }
}

@inline(__always)
func dot(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var s = 0.0
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            for i in 0..<a.count { s += a[i] * b[i] }
        }
    }
    return s
}

/// y += a·x
@inline(__always)
func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
    precondition(x.count == y.count)
    x.withUnsafeBufferPointer { x in
        y.withUnsafeMutableBufferPointer { y in
            for i in 0..<x.count { y[i] += a * x[i] }
        }
    }
}
