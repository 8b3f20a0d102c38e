import FocalNumerics
import Foundation

/// Full-batch L-BFGS for L2-regularised logistic regression, every concept at once.
///
/// The one-vs-rest concepts are independent problems; each keeps its own L-BFGS
/// memory and line search, but they advance in lockstep so that each iteration
/// is two float32 products over all still-active concepts instead of two passes
/// over X per concept: u = D·Xᵀ (the directions' effect on the logits) and
/// G = R·X (residuals times features: the gradient). Both are SGEMMs, or for a
/// few concepts one streaming pass over X (see `FeatureProducts`). The gradient
/// is summed over fixed blocks of rows in float32 and across blocks in float64
/// in block order, so results do not depend on thread timing and rounding stays
/// small for large N. A problem that has converged drops out of the products.
/// L-BFGS starts each iteration from the feature covariance (`Preconditioner`)
/// rather than the identity, which halves the iterations on embedding features.
/// Line searches are exact along the ray and cost no pass over X (see `LogisticLoss`).
struct LogisticSolver {
    let problem: LogisticProblem
    let options: SolverOptions
    /// Threads for the per-concept line searches; each concept's arithmetic is
    /// sequential, so the result does not depend on this.
    var workers = ProcessInfo.processInfo.activeProcessorCount
    /// The feature covariance, when the caller already has it for these
    /// features (cross-validation fits many C on the same rows).
    var sharedPreconditioner: Preconditioner?

    /// Return the final logits of every row (`Result.logits`).
    var keepLogits = false
    /// Curvature to start from (another fit's `Result.curvature`, on the same
    /// features): its L-BFGS memory, rescaled to this problem's C·Σs and penalty.
    var startCurvature: Curvature?

    struct Curvature {
        var memories: [LBFGSMemory]
        /// C·Σs per problem of the fit the memories come from.
        var scales: [Double]
    }

    struct Result {
        /// K×D on standardised features.
        var weights: [Double]
        var intercepts: [Double]
        var outcomes: [SolverOutcome]
        /// K×N, concept-major, when `keepLogits`; else empty.
        var logits: [Double] = []
        var curvature: Curvature? = nil
    }

    /// The preconditioner's factor for each problem (nil: none).
    private func factors(from shared: Preconditioner?) -> [CholeskyFactor]? {
        guard let shared else { return nil }
        // q: the largest p(1−p) of a sigmoid; for a softmax, p(1−p) at uniform p.
        let k = Double(problem.outputs)
        let q = problem.kind == .binary ? 0.25 : (1 / k) * (1 - 1 / k)
        return (0..<problem.problemCount).map { shared.factor(beta: problem.c[$0] * problem.weightSum(of: $0) * q) }
    }

    /// v ← P⁻¹·v for the listed problems' vectors ([w, b] per column), batched
    /// per factor. Without a preconditioner, nothing.
    private func applyPreconditioner(_ vectors: inout [[Double]], problems: [Int], factors: [CholeskyFactor]?) {
        guard let factors else { return }
        let d = problem.features
        var groups: [[Int]] = []  // problems sharing a factor
        for p in problems {
            if let g = groups.firstIndex(where: { factors[$0[0]].key == factors[p].key }) {
                groups[g].append(p)
            } else {
                groups.append([p])
            }
        }
        for group in groups {
            var pointers: [UnsafeMutablePointer<Double>] = []
            var buffers: [UnsafeMutableBufferPointer<Double>] = []
            for p in group {
                let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: vectors[p].count)
                _ = buffer.initialize(from: vectors[p])
                buffers.append(buffer)
                for offset in 0..<problem.columns(of: p).count { pointers.append(buffer.baseAddress! + offset * (d + 1)) }
            }
            factors[group[0]].solve(pointers)
            for (p, buffer) in zip(group, buffers) {
                vectors[p] = Array(buffer)
                buffer.deallocate()
            }
        }
    }

    /// Fits from zero, or from `start` (weights K×D, intercepts K) to warm-start a path over C.
    func solve(start: (weights: [Double], intercepts: [Double])? = nil) -> Result {
        let pCount = problem.problemCount
        let state = SolverState(problem: problem, start: start, workers: workers)
        let scales = (0..<pCount).map { problem.c[$0] * problem.weightSum(of: $0) }
        let shared = options.preconditioned ? sharedPreconditioner ?? Preconditioner(standardized: problem.x) : nil
        let factors = factors(from: shared)
        var memories = (0..<pCount).map { p -> LBFGSMemory in
            guard let start = startCurvature, start.memories.count == pCount else { return LBFGSMemory(capacity: options.memory) }
            return start.memories[p].transferred(dataScale: scales[p] / start.scales[p], penalty: problem.penalty,
                                                 features: problem.features)
        }
        var outcomes = [SolverOutcome](repeating: SolverOutcome(iterations: 0, converged: false, objective: 0, scaledGradient: 0),
                                       count: pCount)
        var active = Array(0..<pCount)

        // Objective and gradient at the start.
        var squares = [Double](repeating: 0, count: pCount)
        var losses = state.residuals(problems: active, workers: workers, squares: &squares)
        var gradients = state.gradients(problems: active)
        var objectives = [Double](repeating: 0, count: pCount)
        for p in active { objectives[p] = state.objective(problem: p, loss: losses[p]) }
        let weightedRows = (0..<pCount).map { state.weightedRows(problem: $0) }
        var noise = [Double](repeating: 0, count: pCount)
        var lastDecrease = [Double](repeating: .infinity, count: pCount)
        /// σ_f: the data term's standard error, √n·sd of the per-sample terms.
        func updateNoise(_ p: Int) {
            let n = Double(weightedRows[p])
            guard n > 1 else { noise[p] = 0; return }
            let spread = max(squares[p] - losses[p] * losses[p] / n, 0)
            noise[p] = (n * spread / (n - 1)).squareRoot()
        }
        let statistical = options.stopping == .statisticalNoise

        func scaledGradient(_ p: Int) -> Double { gradients[p].reduce(0) { max($0, abs($1)) } / scales[p] }
        // Every problem takes at least one step: convergence needs the objective
        // to have settled, which a start (even a warm one) cannot show.
        for p in active {
            updateNoise(p)
            outcomes[p] = SolverOutcome(iterations: 0, converged: false, objective: objectives[p],
                                        scaledGradient: scaledGradient(p), objectiveNoise: noise[p])
        }

        while !active.isEmpty {
            // Directions from each problem's memory, then their effect on the logits.
            var directions = [[Double]](repeating: [], count: pCount)
            var partial = [(q: [Double], alphas: [Double])](repeating: ([], []), count: pCount)
            var qs = [[Double]](repeating: [], count: pCount)
            for p in active {
                partial[p] = memories[p].beginDirection(gradient: gradients[p])
                qs[p] = partial[p].q
            }
            applyPreconditioner(&qs, problems: active, factors: factors)
            for p in active { directions[p] = memories[p].finishDirection(qs[p], alphas: partial[p].alphas) }
            if statistical {
                // Done when the last step and the next one's predicted gain
                // (−½·g·d, exact for the quadratic model) are both within the noise.
                let settled = active.filter { p in
                    let predicted = -0.5 * zip(gradients[p], directions[p]).reduce(0) { $0 + $1.0 * $1.1 }
                    let limit = options.noiseFraction * noise[p]
                    return lastDecrease[p] <= limit && predicted <= limit
                }
                for p in settled { outcomes[p].converged = true }
                active.removeAll { settled.contains($0) }
                if active.isEmpty { break }
            }
            state.project(directions: directions, problems: active)

            // Line searches (independent per problem), then the step.
            var steps = [Double](repeating: 0, count: pCount)
            let activeNow = active
            steps.withUnsafeMutableBufferPointer { stepsOut in
                parallelChunks(activeNow.count, workers: workers) { range in
                    for slot in range {
                        let p = activeNow[slot]
                        stepsOut[p] = state.lineSearch(problem: p, direction: directions[p],
                                                       firstStep: memories[p].isEmpty)
                    }
                }
            }
            var moved: [Int] = [], stalled: [Int] = []
            for p in active {
                if steps[p] > 0 {
                    state.move(problem: p, direction: directions[p], step: steps[p])
                    moved.append(p)
                } else if memories[p].isEmpty {
                    // Not even steepest descent lowers the objective: float32
                    // rounding now dominates the gradient. Stop where we are.
                    stalled.append(p)
                } else {
                    memories[p].reset()  // retry along −g next iteration
                }
            }
            for p in stalled {
                // Statistical rule: a stall is float32 rounding, far below σ_f.
                outcomes[p].converged = statistical || outcomes[p].scaledGradient <= options.gradientTolerance
            }
            active.removeAll { stalled.contains($0) }
            if moved.isEmpty { continue }

            losses = state.residuals(problems: moved, workers: workers, squares: &squares)
            let newGradients = state.gradients(problems: moved)
            var changes = [[Double]](repeating: [], count: pCount)
            for p in moved {
                changes[p] = newGradients[p]
                for j in changes[p].indices { changes[p][j] -= gradients[p][j] }
            }
            var preconditionedChanges = changes
            applyPreconditioner(&preconditionedChanges, problems: moved, factors: factors)
            for p in moved {
                let old = objectives[p]
                objectives[p] = state.objective(problem: p, loss: losses[p])
                lastDecrease[p] = old - objectives[p]
                updateNoise(p)
                var s = directions[p]
                for j in s.indices { s[j] *= steps[p] }
                memories[p].update(step: s, gradientChange: changes[p], preconditionedChange: preconditionedChanges[p])
                gradients[p] = newGradients[p]
                let g = scaledGradient(p)
                let iterations = outcomes[p].iterations + 1
                let small = old - objectives[p] <= options.objectiveTolerance * max(abs(old), abs(objectives[p]), 1)
                let done = !statistical && g <= options.gradientTolerance && small
                outcomes[p] = SolverOutcome(iterations: iterations, converged: done,
                                            objective: objectives[p], scaledGradient: g, objectiveNoise: noise[p])
                if done || iterations >= options.maxIterations {
                    active.removeAll { $0 == p }
                }
            }
        }
        return Result(weights: state.weights, intercepts: state.intercepts, outcomes: outcomes,
                      logits: keepLogits ? state.currentLogits() : [],
                      curvature: Curvature(memories: memories, scales: scales))
    }
}
