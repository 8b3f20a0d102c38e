import FocalNumerics
import XCTest
@testable import FocalTraining

/// The statistical stopping rule (`SolverOptions`) against fits run to tight
/// fixed tolerances, and cross-validation's fold views against folds fitted on
/// their own standardised copies (the way it was done before, and the way
/// scikit-learn's pipelines do it).
final class StoppingRuleTests: XCTestCase {
    let tight = SolverOptions.tolerances(gradient: 1e-8, objective: 1e-15, maxIterations: 5000)

    /// Embedding-like data: non-negative features driven by 8 latent factors
    /// plus noise; three concepts planted on the factors (prevalence ~10-50%).
    static func data(rows n: Int, seed: UInt64) -> (FeatureMatrix, LabelMatrix) {
        var random = SplitMix64(seed: seed)
        func normal() -> Double {
            let u = (Double(random.next() >> 11) + 0.5) / 9007199254740992, v = Double(random.next() >> 11) / 9007199254740992
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        let d = 48, rank = 8
        var mixing = SplitMix64(seed: 1)  // the same features' meaning for every seed
        let m = (0..<(rank * d)).map { _ in Double(mixing.below(2001)) / 1000 - 1 }
        var x: [Float] = [], labels: [ConceptLabel] = []
        for _ in 0..<n {
            let latent = (0..<rank).map { _ in normal() }
            for j in 0..<d {
                var v = 0.0
                for r in 0..<rank { v += latent[r] * m[r * d + j] }
                x.append(Float(max(0, min(6, 0.8 * v + 0.7 * normal() + 0.2))))
            }
            let scores = [latent[0] + latent[1] + normal(), latent[2] - latent[3] + normal(), latent[4] + 0.5 * normal()]
            let cuts = [0.0, 1.2, 1.0]
            labels += zip(scores, cuts).map { $0 > $1 ? .positive : .negative }
        }
        return (FeatureMatrix(rows: n, columns: d, values: x), LabelMatrix(rows: n, concepts: 3, values: labels))
    }

    let concepts = ["a", "b", "c"]

    /// The rule stops well short of the tight fit's iterations, but where it
    /// stops the objective is within a small fraction of its own noise of the
    /// optimum, and the held-out AP of every concept is the tight model's to
    /// well within the AP's bootstrap interval (their paired difference's
    /// interval is a few thousandths wide and holds 0).
    func testStatisticalRuleIsTheTightFitWithinTheNoise() throws {
        let (x, y) = Self.data(rows: 4000, seed: 3)
        let (xTest, yTest) = Self.data(rows: 2000, seed: 4)
        let fast = try LogisticHead(c: 1, crossValidation: nil).fit(x, y, concepts: concepts)
        let exact = try LogisticHead(c: 1, solver: tight, crossValidation: nil).fit(x, y, concepts: concepts)
        XCTAssertEqual(fast.training.solverOptions.stopping, .statisticalNoise)
        let pFast = fast.predictProbabilities(xTest), pExact = exact.predictProbabilities(xTest)
        for k in 0..<3 {
            let f = fast.training.outcomes[k], e = exact.training.outcomes[k]
            XCTAssertTrue(f.converged)
            let noise = try XCTUnwrap(f.objectiveNoise)
            XCTAssertGreaterThan(noise, 0)
            // σ_f recomputed by hand from the tight model's per-sample losses.
            let xs = exact.standardization.transform(x)
            let logits = HeadModel.logits(standardized: xs, weights: exact.weights.flatMap { $0 }, intercepts: exact.intercepts)
            let known = (0..<x.rows).filter { y[$0, k] != .unknown }
            let positives = Double(known.filter { y[$0, k] == .positive }.count), total = Double(known.count)
            let terms = known.map { i -> Double in
                let z = logits[i * 3 + k], positive = y[i, k] == .positive
                let s = positive ? total / (2 * positives) : total / (2 * (total - positives))
                return s * (positive ? log1p(exp(-z)) : log1p(exp(z)))
            }
            let mean = terms.reduce(0, +) / total
            let sd = (terms.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (total - 1)).squareRoot()
            XCTAssertEqual(e.objectiveNoise!, total.squareRoot() * sd, accuracy: 1e-4 * total.squareRoot() * sd)
            XCTAssertEqual(noise, e.objectiveNoise!, accuracy: 0.01 * noise)

            let gap = f.objective - e.objective
            XCTAssertGreaterThan(gap, -1e-9 * e.objective, "the tight fit is the optimum")
            XCTAssertLessThan(gap, 0.1 * noise, "concept \(k): \(gap) above the optimum, noise \(noise)")
            XCTAssertLessThan(f.iterations, e.iterations)

            let rows = (0..<xTest.rows).filter { yTest[$0, k] != .unknown }
            let actual = rows.map { yTest[$0, k] == .positive }
            func ap(_ p: [Double]) -> ([Int]) -> Double {
                { sample in Metrics.averagePrecision(scores: sample.map { p[rows[$0] * 3 + k] }, actual: sample.map { actual[$0] }) }
            }
            let interval = Bootstrap.interval(samples: rows.count, replicates: 200, statistic: ap(pExact))
            let difference = Bootstrap.pairedDifference(samples: rows.count, replicates: 200, ap(pFast), ap(pExact))
            XCTAssertTrue(difference.lower <= 0 && 0 <= difference.upper, "concept \(k): \(difference)")
            XCTAssertLessThan(abs(difference.estimate), 0.05 * (interval.upper - interval.lower),
                              "concept \(k): AP moved \(difference.estimate), interval \(interval)")
        }
    }

    /// A fold fitted as a view of the whole data (held-out rows weighted zero,
    /// the penalty reweighted by the fold's spread) scores its held-out rows as
    /// a fit on the fold's own training rows, standardised by themselves, does.
    func testFoldViewIsTheFoldsOwnStandardisation() throws {
        let (x, y) = Self.data(rows: 1500, seed: 5)
        let head = LogisticHead(c: 0.5, solver: tight, crossValidation: nil, workers: 1)
        let fold = StratifiedFolds.assign(y, folds: 4, seed: 2)
        let whole = Standardization(fitting: x)
        let xs = whole.transform(x)
        let views = FoldView.all(standardized: xs, standardization: whole, labels: y, fold: fold, folds: 4)
        for f in [0, 3] {
            let train = (0..<x.rows).filter { fold[$0] != f }, test = (0..<x.rows).filter { fold[$0] == f }
            XCTAssertEqual(views[f].heldOut, test)
            let own = Standardization(fitting: x.rows(train))
            let fit = try head.solve(own.transform(x.rows(train)), y.rows(train), concepts: concepts, c: [0.5, 0.5, 0.5])
            let expected = HeadModel.logits(standardized: own.transform(x.rows(test)), weights: fit.weights,
                                            intercepts: fit.intercepts)
            let view = try head.solve(xs, views[f].labels, concepts: concepts, c: [0.5, 0.5, 0.5],
                                      penalty: views[f].penalty, keepLogits: true)
            for (t, i) in test.enumerated() {
                for k in 0..<3 {
                    XCTAssertEqual(view.logits[k * x.rows + i], expected[t * 3 + k], accuracy: 2e-4,
                                   "fold \(f) row \(i) concept \(k)")
                }
            }
            // The objective is the same problem's: the penalty in fold units.
            for k in 0..<3 {
                XCTAssertEqual(view.outcomes[k].objective, fit.outcomes[k].objective, accuracy: 1e-6 * fit.outcomes[k].objective)
            }
        }
    }

    /// Cross-validation with the rule (folds warm-started from the whole-data
    /// fit) reports the tight run's out-of-fold metrics and thresholds to within
    /// the noise, and records the rule in the model file.
    func testCrossValidatedMetricsMatchTheTightRun() throws {
        let (x, y) = Self.data(rows: 3000, seed: 6)
        let fast = try LogisticHead(c: 1).fit(x, y, concepts: concepts)
        let exact = try LogisticHead(c: 1, solver: tight, crossValidation: CrossValidationOptions(solver: tight))
            .fit(x, y, concepts: concepts)
        for k in 0..<3 {
            let f = fast.crossValidation!.concepts[k], e = exact.crossValidation!.concepts[k]
            // An AP's standard error at n = 3000 is about √(AP(1−AP)/positives) ≥ 0.005.
            XCTAssertEqual(f.averagePrecision, e.averagePrecision, accuracy: 0.001)
            XCTAssertEqual(f.logLoss, e.logLoss, accuracy: 0.001)
            XCTAssertEqual(f.f1, e.f1, accuracy: 0.005)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("focal-rule-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fast.write(to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("\"stopping\" : \"statisticalNoise\""), "the rule is in the file")
        XCTAssertTrue(text.contains("\"noiseFraction\""))
        XCTAssertTrue(text.contains("\"objectiveNoise\""))
    }

    /// Model files from before the rule existed read as fitted by the tolerances.
    func testOlderSolverOptionsReadAsTolerances() throws {
        let old = #"{"gradientTolerance": 1e-6, "objectiveTolerance": 1e-10, "maxIterations": 1000, "memory": 10, "preconditioned": true}"#
        let options = try JSONDecoder().decode(SolverOptions.self, from: Data(old.utf8))
        XCTAssertEqual(options, SolverOptions.tolerances())
        let outcome = try JSONDecoder().decode(SolverOutcome.self, from: Data(
            #"{"iterations": 12, "converged": true, "objective": 3.5, "scaledGradient": 1e-7}"#.utf8))
        XCTAssertNil(outcome.objectiveNoise)
    }
}
