import XCTest
@testable import FocalTraining

final class MetricsTests: XCTestCase {
    func testCountsPrecisionRecallF1() {
        // predicted: T T T F F F T F ; actual: T F T T F F T T
        // tp = 3 (0, 2, 6), fp = 1 (1), fn = 2 (3, 7), tn = 2 (4, 5)
        let predicted = [true, true, true, false, false, false, true, false]
        let actual = [true, false, true, true, false, false, true, true]
        let c = Metrics.Counts(predicted: predicted, actual: actual)
        XCTAssertEqual([c.truePositives, c.falsePositives, c.falseNegatives, c.trueNegatives], [3, 1, 2, 2])
        XCTAssertEqual(c.precision, 3.0 / 4.0)         // 3 / (3 + 1)
        XCTAssertEqual(c.recall, 3.0 / 5.0)            // 3 / (3 + 2)
        XCTAssertEqual(c.f1, 6.0 / 9.0, accuracy: 1e-15)  // 2·3 / (2·3 + 1 + 2) = 2PR/(P+R) = 0.9/1.35
        XCTAssertEqual(c.accuracy, 5.0 / 8.0)
        // Nothing predicted positive: precision 0 by convention (sklearn's zero_division=0).
        XCTAssertEqual(Metrics.precision(predicted: [false, false], actual: [true, false]), 0)
    }

    func testAveragePrecisionByHand() {
        // Scores high to low: 0.9 (+), 0.8 (−), 0.7 (+), 0.6 (−); 2 positives.
        // Thresholds: 0.9 → P=1/1, R=1/2; 0.8 → P=1/2, R=1/2; 0.7 → P=2/3, R=1; 0.6 → P=2/4, R=1.
        // AP = (1/2 − 0)·1 + 0·1/2 + (1 − 1/2)·2/3 + 0 = 1/2 + 1/3 = 5/6.
        XCTAssertEqual(Metrics.averagePrecision(scores: [0.7, 0.9, 0.6, 0.8], actual: [true, true, false, false]),
                       5.0 / 6.0, accuracy: 1e-15)
        // A tie at the top between a positive and a negative is one threshold:
        // scores 0.5 (+), 0.5 (−), 0.1 (+). At 0.5: P = 1/2, R = 1/2; at 0.1: P = 2/3, R = 1.
        // AP = 1/2·1/2 + 1/2·2/3 = 1/4 + 1/3 = 7/12 (not 1·1/2 + …, which ordering within the tie would give).
        XCTAssertEqual(Metrics.averagePrecision(scores: [0.5, 0.5, 0.1], actual: [false, true, true]), 7.0 / 12.0, accuracy: 1e-15)
        XCTAssertTrue(Metrics.averagePrecision(scores: [0.3, 0.2], actual: [false, false]).isNaN)
    }

    func testROCAUCByHand() {
        // Positives 0.9, 0.4; negatives 0.8, 0.4, 0.1. Pairs (p > n counts 1, tie ½):
        // 0.9 beats all 3 → 3; 0.4 beats 0.1 → 1, ties 0.4 → ½. AUC = 4.5 / (2·3) = 0.75.
        XCTAssertEqual(Metrics.rocAUC(scores: [0.9, 0.8, 0.4, 0.4, 0.1], actual: [true, false, true, false, false]),
                       0.75, accuracy: 1e-15)
        XCTAssertEqual(Metrics.rocAUC(scores: [1, 2], actual: [false, true]), 1)
        XCTAssertTrue(Metrics.rocAUC(scores: [1, 2], actual: [true, true]).isNaN)
    }

    /// Cross-check on larger cases (with many ties) against sklearn's
    /// average_precision_score and roc_auc_score (Fixtures/metrics_reference.json).
    func testAveragePrecisionAndAUCMatchSklearn() throws {
        let cases = try Fixture.json("metrics_reference")["cases"] as! [[String: Any]]
        XCTAssertEqual(cases.count, 3)
        for c in cases {
            let scores = c["scores"] as! [Double], actual = (c["labels"] as! [Int]).map { $0 == 1 }
            XCTAssertEqual(Metrics.averagePrecision(scores: scores, actual: actual), c["averagePrecision"] as! Double,
                           accuracy: 1e-12, "\(c["name"]!)")
            XCTAssertEqual(Metrics.rocAUC(scores: scores, actual: actual), c["rocAUC"] as! Double, accuracy: 1e-12, "\(c["name"]!)")
        }
    }

    func testBestF1Threshold() {
        // Scores high to low: 0.9 (+), 0.8 (+), 0.6 (−), 0.4 (+), 0.2 (−); 3 positives.
        // Cut ≥0.9: tp1 fp0 → F1 = 2/(1+0+3) = 0.5; ≥0.8: tp2 → 4/5 = 0.8; ≥0.6: tp2 fp1 → 4/6;
        // ≥0.4: tp3 fp1 → 6/7 ≈ 0.857 (best); ≥0.2: tp3 fp2 → 6/8.
        // Threshold halfway between 0.4 and the next lower score 0.2: 0.3.
        let best = Metrics.bestF1Threshold(scores: [0.2, 0.9, 0.4, 0.8, 0.6], actual: [false, true, true, true, false])
        XCTAssertEqual(best.threshold, 0.3, accuracy: 1e-15)
        XCTAssertEqual(best.f1, 6.0 / 7.0, accuracy: 1e-15)
    }

    func testAccuracyConfusionAndLogLoss() {
        // Row 0: both known labels right; row 1: concept 1 wrong; row 2: only unknowns (left out);
        // row 3: the wrong label is unknown in the truth, so the row counts as right.
        let actual = LabelMatrix([[.positive, .negative], [.negative, .positive], [.unknown, .unknown], [.positive, .unknown]])
        let predicted = LabelMatrix([[.positive, .negative], [.negative, .negative], [.positive, .positive], [.positive, .positive]])
        XCTAssertEqual(Metrics.exactMatchAccuracy(predicted: predicted, actual: actual), 2.0 / 3.0)
        // Concept 0 known in rows 0, 1, 3: all right; concept 1 known in rows 0, 1: one right.
        XCTAssertEqual(Metrics.perLabelAccuracy(predicted: predicted, actual: actual), [1, 0.5])

        // actual 0 0 1 2 2 2, predicted 0 1 1 2 0 2 → rows are the truth.
        XCTAssertEqual(Metrics.confusionMatrix(predicted: [0, 1, 1, 2, 0, 2], actual: [0, 0, 1, 2, 2, 2], classes: 3),
                       [[1, 1, 0], [0, 1, 0], [1, 0, 2]])

        // −(log 0.8 + log(1 − 0.4)) / 2
        XCTAssertEqual(Metrics.logLoss(probabilities: [0.8, 0.4], actual: [true, false]), -(log(0.8) + log(0.6)) / 2,
                       accuracy: 1e-15)
    }

    func testExpectedCalibrationError() {
        // Bin [0.1, 0.2): confidences 0.15, 0.15 → mean 0.15, outcomes 0/2 → |0 − 0.15| = 0.15, weight 2/5.
        // Bin [0.9, 1.0]: 0.95, 0.95, 1.0 → mean 0.9667, outcomes 2/3 → |0.6667 − 0.9667| = 0.3, weight 3/5.
        // ECE = 0.4·0.15 + 0.6·0.3 = 0.06 + 0.18 = 0.24.
        let ece = Metrics.expectedCalibrationError(confidences: [0.15, 0.95, 0.15, 0.95, 1.0],
                                                   outcomes: [false, true, false, false, true])
        XCTAssertEqual(ece, 0.24, accuracy: 1e-12)
        // Perfectly calibrated within each bin: zero.
        XCTAssertEqual(Metrics.expectedCalibrationError(confidences: [0.5, 0.5], outcomes: [true, false]), 0)
    }

    func testMcNemarByHandAndAgainstScipy() throws {
        // b = 3, c = 0: P[X ≤ 0] = (1/2)³ = 1/8, two-sided 1/4.
        XCTAssertEqual(McNemar(onlyA: 3, onlyB: 0).pValue, 0.25, accuracy: 1e-14)
        // b = 10, c = 2, n = 12: P[X ≤ 2] = (1 + 12 + 66) / 4096 = 79/4096; two-sided 158/4096.
        XCTAssertEqual(McNemar(onlyA: 10, onlyB: 2).pValue, 158.0 / 4096.0, accuracy: 1e-14)
        // From correctness vectors: A right & B wrong at 0, 1; A wrong & B right at 2; both right at 3.
        let test = McNemar(aCorrect: [true, true, false, true], bCorrect: [false, false, true, true])
        XCTAssertEqual([test.onlyA, test.onlyB], [2, 1])
        // P[X ≤ 1], n = 3 → 4/8, two-sided 1 (capped).
        XCTAssertEqual(test.pValue, 1)
        for row in try Fixture.json("metrics_reference")["mcnemar"] as! [[String: Any]] {
            let p = McNemar(onlyA: row["onlyA"] as! Int, onlyB: row["onlyB"] as! Int).pValue
            XCTAssertEqual(p, row["pValue"] as! Double, accuracy: 1e-12 * max(1, p), "\(row)")
        }
    }

    func testBootstrapIntervals() {
        // The mean of 100 values 0…99: estimate 49.5; the interval must hold it and be seeded.
        let values = (0..<100).map(Double.init)
        let mean: ([Int]) -> Double = { idx in idx.reduce(0) { $0 + values[$1] } / Double(idx.count) }
        let a = Bootstrap.interval(samples: 100, replicates: 2000, seed: 7, statistic: mean)
        let b = Bootstrap.interval(samples: 100, replicates: 2000, seed: 7, statistic: mean)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.estimate, 49.5)
        // Standard error of the mean ≈ 28.87/√100 ≈ 2.89 → 95% half-width ≈ 5.66.
        XCTAssertLessThan(a.lower, 49.5)
        XCTAssertGreaterThan(a.upper, 49.5)
        XCTAssertEqual(a.upper - a.lower, 2 * 1.96 * 2.887, accuracy: 1.5)
        XCTAssertNotEqual(Bootstrap.interval(samples: 100, replicates: 2000, seed: 8, statistic: mean), a)
        // A statistic undefined on some resamples (NaN) is dropped from the percentiles.
        let sometimes = Bootstrap.interval(samples: 3, replicates: 200, seed: 1) { idx in idx.contains(0) ? 1 : .nan }
        XCTAssertLessThan(sometimes.replicates, 200)
        XCTAssertEqual(sometimes.lower, 1)
        // Quantiles interpolate like NumPy: positions 0.025·4 = 0.1 and 0.975·4 = 3.9 of [1,2,3,4,5].
        XCTAssertEqual(Bootstrap.quantile([1, 2, 3, 4, 5], 0.025), 1.1, accuracy: 1e-12)
        XCTAssertEqual(Bootstrap.quantile([1, 2, 3, 4, 5], 0.975), 4.9, accuracy: 1e-12)
    }

    func testPairedBootstrapDifference() {
        // Model A is right on 80 of 100 samples, B on the same 80 minus 10: A − B accuracy = 0.1.
        let a = (0..<100).map { $0 < 80 }, b = (0..<100).map { $0 < 70 }
        let accuracy: ([Bool]) -> ([Int]) -> Double = { right in { idx in Double(idx.filter { right[$0] }.count) / Double(idx.count) } }
        let d = Bootstrap.pairedDifference(samples: 100, replicates: 1000, seed: 3, accuracy(a), accuracy(b))
        XCTAssertEqual(d.estimate, 0.1, accuracy: 1e-15)
        // Paired: every resample differs only by its count of samples 70..<80, so the
        // difference is never negative; the interval lies within [0, 0.25].
        XCTAssertGreaterThanOrEqual(d.lower, 0)
        XCTAssertLessThan(d.lower, 0.1)
        XCTAssertGreaterThan(d.upper, 0.1)
        XCTAssertLessThan(d.upper, 0.25)
        XCTAssertEqual(d.replicates, 1000)
    }
}
