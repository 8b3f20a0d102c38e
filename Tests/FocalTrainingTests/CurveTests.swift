import FocalTraining
import XCTest

/// The curve points against hand calculation, and against the areas the metrics compute.
final class CurveTests: XCTestCase {
    // Scores high to low: 0.9 (positive), 0.8 (negative), 0.8 (positive), 0.3 (negative).
    // Distinct thresholds 0.9, 0.8, 0.3 give (tp, fp) = (1, 0), (2, 1), (2, 2); P = 2, N = 2.
    let scores = [0.8, 0.9, 0.3, 0.8]
    let actual = [false, true, false, true]

    func testPrecisionRecallCurveByHand() {
        let curve = Metrics.precisionRecallCurve(scores: scores, actual: actual)
        XCTAssertEqual(curve.map(\.threshold), [0.9, 0.8, 0.3])
        XCTAssertEqual(curve.map(\.x), [0.5, 1, 1])           // recall = tp / 2
        XCTAssertEqual(curve.map(\.y), [1, 2.0 / 3, 0.5])     // precision = tp / (tp + fp)
        // AP = Σ (R_n − R_{n−1}) P_n = 0.5·1 + 0.5·2/3 + 0·0.5 = 5/6.
        XCTAssertEqual(Metrics.averagePrecision(scores: scores, actual: actual), 5.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(Metrics.precisionRecallCurve(scores: [0.2, 0.4], actual: [false, false]), [])
    }

    func testROCCurveByHand() {
        let curve = Metrics.rocCurve(scores: scores, actual: actual)
        XCTAssertEqual(curve.map(\.x), [0, 0.5, 1])           // fp / 2
        XCTAssertEqual(curve.map(\.y), [0.5, 1, 1])           // tp / 2
        // Trapezoids from (0, 0): 0 + 0.5·(0.5 + 1)/2 + 0.5·1 = 0.875.
        XCTAssertEqual(Metrics.rocAUC(scores: scores, actual: actual), 0.875, accuracy: 1e-12)
        XCTAssertEqual(Metrics.rocCurve(scores: [0.2, 0.4], actual: [true, true]), [])
    }

    func testCurveAreasAreTheMetricsOnRandomScores() {
        var generator = SplitMix(state: 7)
        for _ in 0..<20 {
            let n = Int.random(in: 5...40, using: &generator)
            // Few distinct values, so that ties occur.
            let s = (0..<n).map { _ in Double(Int.random(in: 0...8, using: &generator)) / 8 }
            var y = (0..<n).map { _ in Bool.random(using: &generator) }
            y[0] = true
            y[1] = false
            let pr = Metrics.precisionRecallCurve(scores: s, actual: y)
            var ap = 0.0, previous = 0.0
            for p in pr { ap += (p.x - previous) * p.y; previous = p.x }
            XCTAssertEqual(ap, Metrics.averagePrecision(scores: s, actual: y), accuracy: 1e-12)
            let roc = [Metrics.CurvePoint(threshold: .infinity, x: 0, y: 0)] + Metrics.rocCurve(scores: s, actual: y)
            let auc = zip(roc, roc.dropFirst()).reduce(0.0) { $0 + ($1.1.x - $1.0.x) * ($1.1.y + $1.0.y) / 2 }
            XCTAssertEqual(auc, Metrics.rocAUC(scores: s, actual: y), accuracy: 1e-12)
            XCTAssertEqual(roc.last?.x, 1)
            XCTAssertEqual(roc.last?.y, 1)
        }
    }

    func testCalibrationBinsByHand() {
        // [0.1, 0.2): 0.15, 0.15, both negative. [0.9, 1]: 0.95, 0.95, 1.0 with 2 of 3 positive.
        let bins = Metrics.calibrationBins(confidences: [0.15, 0.95, 0.15, 0.95, 1.0], outcomes: [false, true, false, false, true])
        XCTAssertEqual(bins.count, 2)
        XCTAssertEqual(bins[0].lower, 0.1, accuracy: 1e-12)
        XCTAssertEqual(bins[0].upper, 0.2, accuracy: 1e-12)
        XCTAssertEqual(bins[0].count, 2)
        XCTAssertEqual(bins[0].meanConfidence, 0.15, accuracy: 1e-12)
        XCTAssertEqual(bins[0].observedFrequency, 0)
        XCTAssertEqual(bins[1].lower, 0.9, accuracy: 1e-12)
        XCTAssertEqual(bins[1].count, 3)
        XCTAssertEqual(bins[1].meanConfidence, 2.9 / 3, accuracy: 1e-12)
        XCTAssertEqual(bins[1].observedFrequency, 2.0 / 3, accuracy: 1e-12)
    }
}

/// A seeded generator, so the random cases are the same on every run.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
