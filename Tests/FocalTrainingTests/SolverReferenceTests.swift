import FocalNumerics
import XCTest
@testable import FocalTraining

/// Fits compared with scikit-learn's lbfgs on the same standardised data
/// (Fixtures/logistic_reference.json, made by make_reference.py).
final class SolverReferenceTests: XCTestCase {
    // 1e-8 is about as far as float32 products of X can resolve the gradient.
    let tight = SolverOptions(gradientTolerance: 1e-8, objectiveTolerance: 1e-15, maxIterations: 5000, stopping: .tolerances)

    /// Float32 features resolve the scaled gradient to about 1e-8, so at this
    /// tolerance a solve may stop a hair above it, depending on summation order
    /// across threads; the match to scikit-learn below is the real check.
    func settled(_ outcomes: [SolverOutcome]) -> Bool {
        outcomes.allSatisfy { $0.converged || $0.scaledGradient <= 1e-7 }
    }

    func binaryCases() throws -> [ReferenceData] {
        try (Fixture.json("logistic_reference")["binary"] as! [[String: Any]]).map(ReferenceData.init)
    }

    /// Concept `k`'s objective (Focal's form, float64, C = 1) at `model`'s
    /// weights, and scikit-learn's at its optimum.
    func objectives(_ model: HeadModel, _ data: ReferenceData, concept k: Int) -> (ours: Double, reference: Double) {
        let reference = (data.case_["sklearn"] as! [[String: Any]])[k]["objective"] as! Double
        let labels = (0..<data.labels.rows).map { data.labels[$0, k] }
        let ours = ReferenceObjective.binary(xs: data.standardized, labels: labels, w: model.weights[k], b: model.intercepts[k], c: 1)
        return (ours, reference)
    }

    /// Checks one concept's fit: objective (Focal's form, float64) and coefficients.
    func assertMatchesSklearn(_ data: ReferenceData, concept k: Int, weights w: [Double], intercept b: Double,
                              c: Double, file: StaticString = #filePath, line: UInt = #line) {
        let reference = (data.case_["sklearn"] as! [[String: Any]])[k]
        let skObjective = reference["objective"] as! Double
        let skW = reference["coefficients"] as! [Double], skB = reference["intercept"] as! Double
        let labels = (0..<data.labels.rows).map { data.labels[$0, k] }
        let ours = ReferenceObjective.binary(xs: data.standardized, labels: labels, w: w, b: b, c: c)
        let relative = (ours - skObjective) / skObjective
        // The optimum is unique; float32 features cost ~1e-9 of it at most.
        XCTAssertLessThan(abs(relative), 1e-8, "\(data.case_["name"]!) concept \(k): objective \(ours) vs \(skObjective)",
                          file: file, line: line)
        let scale = max(1, skW.map(abs).max()!)
        let worst = zip(w, skW).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(worst / scale, 1e-4, "\(data.case_["name"]!) concept \(k): coefficients differ by \(worst)", file: file, line: line)
        XCTAssertEqual(b, skB, accuracy: 1e-4 * max(1, abs(skB)), file: file, line: line)
    }

    func testOneVsRestMatchesSklearnThroughThePublicAPI() throws {
        let data = try binaryCases()[0]  // "basic": 300×20, 3 concepts, 15% unknown labels, C = 1
        let head = LogisticHead(c: 1, solver: tight, crossValidation: nil)
        let model = try head.fit(data.features, data.labels, concepts: data.concepts)
        XCTAssertTrue(settled(model.training.outcomes), "\(model.training.outcomes)")
        for k in 0..<3 {
            assertMatchesSklearn(data, concept: k, weights: model.weights[k], intercept: model.intercepts[k], c: 1)
        }
    }

    /// Two concepts with very different C (100: nearly separable; 0.01: heavily
    /// regularised), correlated features and 8% positives, solved in lockstep.
    func testPerConceptCOnAHardProblem() throws {
        let data = try binaryCases()[1]
        let cs = data.case_["c"] as! [Double]
        let head = LogisticHead(solver: tight, crossValidation: nil)
        let s = Standardization(fitting: data.features)
        let result = try head.solve(s.transform(data.features), data.labels, concepts: data.concepts, c: cs)
        XCTAssertTrue(settled(result.outcomes), "\(result.outcomes)")
        let d = data.features.columns
        for k in 0..<2 {
            assertMatchesSklearn(data, concept: k, weights: Array(result.weights[(k * d)..<((k + 1) * d)]),
                                 intercept: result.intercepts[k], c: cs[k])
        }
    }

    /// The fixed-tolerance rule at its default tolerances (what `focal train`
    /// used before the statistical rule) agrees with scikit-learn's tol=1e-10
    /// fit to better than 1e-9 of the objective.
    func testDefaultTolerancesAreCloseToTheOptimum() throws {
        let data = try binaryCases()[0]
        let model = try LogisticHead(c: 1, solver: .tolerances(), crossValidation: nil)
            .fit(data.features, data.labels, concepts: data.concepts)
        for k in 0..<3 {
            let (ours, reference) = objectives(model, data, concept: k)
            XCTAssertLessThan(abs(ours - reference) / reference, 1e-9)
        }
    }

    /// The default, statistical rule stops above scikit-learn's optimum by less
    /// than a tenth of the objective's standard error over the samples.
    func testDefaultRuleIsWithinTheNoiseOfTheOptimum() throws {
        let data = try binaryCases()[0]
        let model = try LogisticHead(c: 1, crossValidation: nil).fit(data.features, data.labels, concepts: data.concepts)
        for k in 0..<3 {
            let (ours, reference) = objectives(model, data, concept: k)
            let noise = try XCTUnwrap(model.training.outcomes[k].objectiveNoise)
            XCTAssertGreaterThan(ours - reference, -1e-9 * reference)
            XCTAssertLessThan(ours - reference, 0.1 * noise, "concept \(k): noise \(noise)")
        }
    }

    /// Convergence needs both criteria: a loose gradient tolerance alone does
    /// not stop the solver while the objective is still moving.
    func testBothCriteriaMustHold() throws {
        let data = try binaryCases()[0]
        let loose = try LogisticHead(c: 1, solver: SolverOptions(gradientTolerance: 1, objectiveTolerance: 1e-12, stopping: .tolerances), crossValidation: nil)
            .fit(data.features, data.labels, concepts: data.concepts)
        let gradientOnly = try LogisticHead(c: 1, solver: SolverOptions(gradientTolerance: 1, objectiveTolerance: 1, stopping: .tolerances), crossValidation: nil)
            .fit(data.features, data.labels, concepts: data.concepts)
        for k in 0..<3 {
            let (ours, reference) = objectives(loose, data, concept: k)
            XCTAssertLessThan(abs(ours - reference) / reference, 1e-9)
            // Gradient ≤ 1 (scaled) holds from the start, so that alone stops after one step.
            XCTAssertEqual(gradientOnly.training.outcomes[k].iterations, 1)
            XCTAssertGreaterThan(loose.training.outcomes[k].iterations, 5)
        }
    }

    func testMultinomialMatchesSklearn() throws {
        let data = ReferenceData(try Fixture.json("logistic_reference")["multinomial"] as! [String: Any])
        let c = data.case_["c"] as! Double
        let reference = data.case_["sklearn"] as! [String: Any]
        let model = try LogisticHead(mode: .exclusive, c: c, solver: tight, crossValidation: nil)
            .fit(data.features, data.labels, concepts: data.concepts)
        XCTAssertTrue(settled(model.training.outcomes), "\(model.training.outcomes)")
        XCTAssertEqual(model.training.outcomes.count, 1, "one multinomial problem")
        let classes = data.case_["classes"] as! [Int]
        let ours = ReferenceObjective.multinomial(xs: data.standardized, classes: classes, w: model.weights,
                                                  b: model.intercepts, c: c)
        let skObjective = reference["objective"] as! Double
        XCTAssertLessThan(abs(ours - skObjective) / skObjective, 1e-8, "objective \(ours) vs \(skObjective)")
        let skW = reference["coefficients"] as! [Double], skB = reference["intercepts"] as! [Double]
        let w = model.weights.flatMap { $0 }
        let worst = zip(w, skW).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(worst / max(1, skW.map(abs).max()!), 1e-4)
        for (ours, theirs) in zip(model.intercepts, skB) { XCTAssertEqual(ours, theirs, accuracy: 1e-4) }
        // The reported objective is the solver's own float64 bookkeeping of the same quantity.
        XCTAssertEqual(model.training.outcomes[0].objective, ours, accuracy: 1e-6 * ours)
    }

    /// Starting from another C's solution (as cross-validation does along its
    /// grid) reaches the same optimum.
    func testWarmStartReachesTheSameOptimum() throws {
        let data = try binaryCases()[0]
        let head = LogisticHead(solver: tight, crossValidation: nil)
        let xs = Standardization(fitting: data.features).transform(data.features)
        let cold = try head.solve(xs, data.labels, concepts: data.concepts, c: [1, 1, 1])
        let other = try head.solve(xs, data.labels, concepts: data.concepts, c: [0.01, 0.01, 0.01])
        let warm = try head.solve(xs, data.labels, concepts: data.concepts, c: [1, 1, 1],
                                  start: (other.weights, other.intercepts))
        let xs64 = data.standardized, d = data.features.columns
        for k in 0..<3 {
            let labels = (0..<data.labels.rows).map { data.labels[$0, k] }
            func exact(_ r: LogisticSolver.Result) -> Double {
                ReferenceObjective.binary(xs: xs64, labels: labels, w: Array(r.weights[(k * d)..<((k + 1) * d)]),
                                          b: r.intercepts[k], c: 1)
            }
            XCTAssertEqual(exact(cold), exact(warm), accuracy: 1e-10 * exact(cold))
            // The solver's own float64 bookkeeping of the objective is accurate to ~1e-8.
            XCTAssertEqual(warm.outcomes[k].objective, exact(warm), accuracy: 1e-7 * exact(warm))
        }
        XCTAssertLessThan(zip(cold.weights, warm.weights).map { abs($0 - $1) }.max()!, 1e-5)
    }
}

final class PreconditionerTests: XCTestCase {
    /// The preconditioner changes the path, not the optimum: with and without it
    /// the correlated "hard" problem reaches the same objective, and with it in
    /// fewer iterations.
    func testSameOptimumFewerIterations() throws {
        let data = ReferenceData((try Fixture.json("logistic_reference")["binary"] as! [[String: Any]])[1])
        let cs = data.case_["c"] as! [Double]
        let xs = Standardization(fitting: data.features).transform(data.features)
        var options = SolverOptions(gradientTolerance: 1e-8, objectiveTolerance: 1e-15, maxIterations: 5000, stopping: .tolerances)
        let with = try LogisticHead(solver: options, crossValidation: nil).solve(xs, data.labels, concepts: data.concepts, c: cs)
        options.preconditioned = false
        let without = try LogisticHead(solver: options, crossValidation: nil).solve(xs, data.labels, concepts: data.concepts, c: cs)
        let d = data.features.columns
        for k in 0..<2 {
            let labels = (0..<data.labels.rows).map { data.labels[$0, k] }
            func exact(_ r: LogisticSolver.Result) -> Double {
                ReferenceObjective.binary(xs: data.standardized, labels: labels, w: Array(r.weights[(k * d)..<((k + 1) * d)]),
                                          b: r.intercepts[k], c: cs[k])
            }
            XCTAssertEqual(exact(with), exact(without), accuracy: 1e-9 * exact(without))
        }
        // The nearly separable concept (C = 100) is where conditioning bites.
        XCTAssertLessThan(with.outcomes[0].iterations, without.outcomes[0].iterations,
                          "\(with.outcomes[0].iterations) vs \(without.outcomes[0].iterations)")
    }

    /// Batched triangular solves against the factored matrix itself: (βΣ + I)·x = v.
    func testFactorSolvesTheSystem() {
        var random = SplitMix64(seed: 3)
        let n = 37, rows = 50
        let x = FeatureMatrix(rows: rows, columns: n, values: (0..<(rows * n)).map { _ in Float(Int(random.next() % 2001) - 1000) / 500 })
        let factor = Preconditioner(standardized: x).factor(beta: 3)  // rounds to a power of √2: 2^(3/2)
        let beta = pow(2, 1.5)
        var v1 = (0...n).map { Double($0) - 10 }, v2 = (0...n).map { _ in 1.0 }
        let b1 = v1, b2 = v2
        v1.withUnsafeMutableBufferPointer { p1 in
            v2.withUnsafeMutableBufferPointer { p2 in factor.solve([p1.baseAddress!, p2.baseAddress!]) }
        }
        for (v, b) in [(v1, b1), (v2, b2)] {
            for i in 0..<n {
                var s = v[i]  // the identity
                for j in 0..<n {
                    var sigma = 0.0
                    for r in 0..<rows { sigma += Double(x.values[r * n + i]) * Double(x.values[r * n + j]) }
                    s += beta * sigma / Double(rows) * v[j]
                }
                // Σ is summed in float32 (SGEMM), the reference here in float64.
                XCTAssertEqual(s, b[i], accuracy: 1e-5 * max(1, abs(b[i])))
            }
            XCTAssertEqual(v[n] * beta, b[n], accuracy: 1e-12 * max(1, abs(b[n])))
        }
    }
}
