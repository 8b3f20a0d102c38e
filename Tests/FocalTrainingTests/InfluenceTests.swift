import FocalNumerics
import Foundation
import XCTest
@testable import FocalTraining

/// Influence against the thing it predicts: retraining without each sample.
final class InfluenceTests: XCTestCase {
    /// N Gaussian rows of D features with labels drawn from a logistic model.
    static func problem(rows n: Int, features d: Int, seed: UInt64) -> (FeatureMatrix, LabelMatrix, FeatureMatrix) {
        var random = SplitMix64(seed: seed)
        func gaussian() -> Double {
            let u = (Double(random.next() >> 11) + 0.5) / Double(1 << 53), v = Double(random.next() >> 11) / Double(1 << 53)
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        let beta = (0..<d).map { _ in gaussian() }
        var values: [Float] = [], labels: [ConceptLabel] = []
        for _ in 0..<n {
            let row = (0..<d).map { _ in gaussian() }
            values += row.map(Float.init)
            let z = zip(row, beta).map(*).reduce(0, +)
            let p = 1 / (1 + exp(-z))
            labels.append(Double(random.next() >> 11) / Double(1 << 53) < p ? .positive : .negative)
        }
        let target = FeatureMatrix(rows: 1, columns: d, values: (0..<d).map { _ in Float(gaussian()) })
        return (FeatureMatrix(rows: n, columns: d, values: values), LabelMatrix(rows: n, concepts: 1, values: labels), target)
    }

    static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        func ranks(_ v: [Double]) -> [Double] {
            var r = [Double](repeating: 0, count: v.count)
            for (rank, i) in v.indices.sorted(by: { v[$0] < v[$1] }).enumerated() { r[i] = Double(rank) }
            return r
        }
        let ra = ranks(a), rb = ranks(b), n = Double(a.count)
        let ma = ra.reduce(0, +) / n, mb = rb.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices { sab += (ra[i] - ma) * (rb[i] - mb); saa += (ra[i] - ma) * (ra[i] - ma); sbb += (rb[i] - mb) * (rb[i] - mb) }
        return sab / (saa * sbb).squareRoot()
    }

    func leaveOneOut(classWeight: ClassWeight) throws -> (predicted: [Double], actual: [Double]) {
        let (x, y, target) = Self.problem(rows: 100, features: 6, seed: 7)
        let head = LogisticHead(c: 0.3, classWeight: classWeight,
                                solver: SolverOptions(gradientTolerance: 1e-10, objectiveTolerance: 1e-14, maxIterations: 2000,
                                                      stopping: .tolerances),
                                crossValidation: nil, workers: 1)
        let model = try head.fit(x, y, concepts: ["a"])
        let influence = try Influence(model: model, concept: 0, training: x, labels: y, targets: target)
        XCTAssertEqual(influence.targetLogit, model.decisionFunction(target)[0], accuracy: 1e-5)
        let full = model.decisionFunction(target)[0]
        let actual = try (0..<x.rows).map { i -> Double in
            let kept = (0..<x.rows).filter { $0 != i }
            let without = try head.fit(x.rows(kept), y.rows(kept), concepts: ["a"])
            return full - without.decisionFunction(target)[0]
        }
        return (influence.values, actual)
    }

    func testInfluenceRanksSamplesAsLeaveOneOutRetrainingDoes() throws {
        let (predicted, actual) = try leaveOneOut(classWeight: .uniform)
        XCTAssertGreaterThanOrEqual(Self.spearman(predicted, actual), 0.9)
        // The most influential samples push the same way retraining says.
        for i in actual.indices.sorted(by: { abs(actual[$0]) > abs(actual[$1]) }).prefix(5) {
            XCTAssertEqual(predicted[i].sign, actual[i].sign, "row \(i)")
        }
    }

    func testBalancedWeightsStillRankLikeRetraining() throws {
        let (predicted, actual) = try leaveOneOut(classWeight: .balanced)
        XCTAssertGreaterThanOrEqual(Self.spearman(predicted, actual), 0.9)
    }

    func testUnlabelledRowsHaveNoInfluence() throws {
        let (x, labels, target) = Self.problem(rows: 30, features: 3, seed: 3)
        var y = labels
        y[4, 0] = .unknown
        let model = try LogisticHead(c: 1, crossValidation: nil, workers: 1).fit(x, y, concepts: ["a"])
        let influence = try Influence(model: model, concept: 0, training: x, labels: y, targets: target)
        XCTAssertEqual(influence.values[4], 0)
        XCTAssertNotEqual(influence.values[5], 0)
    }
}
