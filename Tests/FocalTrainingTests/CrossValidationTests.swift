import FocalNumerics
import XCTest
@testable import FocalTraining

final class CrossValidationTests: XCTestCase {
    /// 240 samples, 12 features of which the first three carry two concepts;
    /// concept 2 is pure noise (nothing to learn), concept 1 is rare (20%).
    static func data(seed: UInt64 = 11) -> (FeatureMatrix, LabelMatrix) {
        var random = SplitMix64(seed: seed)
        func normal() -> Double {
            let u = (Double(random.next() >> 11) + 0.5) / 9007199254740992, v = Double(random.next() >> 11) / 9007199254740992
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        let n = 240, d = 12
        var x: [Float] = [], labels: [ConceptLabel] = []
        for _ in 0..<n {
            let row = (0..<d).map { _ in normal() }
            x += row.map { Float($0 * 2 + 1) }
            let a = row[0] + row[1] + 0.7 * normal() > 0
            let b = row[2] - 0.5 * row[0] + 0.6 * normal() > 1.1
            let noise = normal() > 0
            // Some unknowns: every 7th label of concept 0 and every 5th of concept 2.
            labels += [labels.count % 7 == 0 ? .unknown : (a ? .positive : .negative),
                       b ? .positive : .negative,
                       labels.count % 5 == 0 ? .unknown : (noise ? .positive : .negative)]
        }
        return (FeatureMatrix(rows: n, columns: d, values: x), LabelMatrix(rows: n, concepts: 3, values: labels))
    }

    let concepts = ["a", "rare", "noise"]

    func testSameSeedSameModel() throws {
        let (x, y) = Self.data()
        let head = LogisticHead(crossValidation: CrossValidationOptions(folds: 4, seed: 5))
        let first = try head.fit(x, y, concepts: concepts)
        let second = try head.fit(x, y, concepts: concepts)
        XCTAssertEqual(first.regularization, second.regularization)
        XCTAssertEqual(first.thresholds, second.thresholds)
        XCTAssertEqual(first.weights, second.weights)
        XCTAssertEqual(first.crossValidation, second.crossValidation)
        // Thread count does not change the arithmetic.
        var oneThread = head
        oneThread.workers = 1
        XCTAssertEqual(try oneThread.fit(x, y, concepts: concepts).weights, first.weights)
    }

    func testChoicesAreSensible() throws {
        let (x, y) = Self.data()
        let model = try LogisticHead(crossValidation: CrossValidationOptions(folds: 4, seed: 5)).fit(x, y, concepts: concepts)
        let report = try XCTUnwrap(model.crossValidation)
        XCTAssertEqual(report.grid, LogisticHead.defaultGrid)
        XCTAssertEqual(report.criterionByC.count, 7)
        XCTAssertEqual(report.concepts.map(\.concept), concepts)
        // Each concept's C is the grid value with the best mean held-out AP (ties: the smaller C).
        for k in 0..<3 {
            let column = report.criterionByC.map { $0[k] }
            let best = column.enumerated().max { $0.element < $1.element || ($0.element == $1.element && $0.offset > $1.offset) }!
            XCTAssertEqual(model.regularization[k], report.grid[best.offset])
            XCTAssertEqual(report.concepts[k].c, model.regularization[k])
            XCTAssertEqual(report.concepts[k].threshold, model.thresholds[k])
        }
        // Learnable concepts are learned; noise is not.
        XCTAssertGreaterThan(report.concepts[0].rocAUC, 0.85)
        XCTAssertGreaterThan(report.concepts[1].rocAUC, 0.8)
        XCTAssertLessThan(abs(report.concepts[2].rocAUC - 0.5), 0.15)
        // Counts recorded match the labels (unknowns excluded).
        XCTAssertEqual(report.concepts[1].positives + report.concepts[1].negatives, 240)
        XCTAssertLessThan(report.concepts[0].positives + report.concepts[0].negatives, 240)
        // F1 at the chosen threshold is the best F1 on the out-of-fold scores, so at least that of "all positive".
        let rare = report.concepts[1]
        let allPositiveF1 = 2.0 * Double(rare.positives) / Double(2 * rare.positives + rare.negatives)
        XCTAssertGreaterThanOrEqual(rare.f1, allPositiveF1)
    }

    func testSharedCAndFixedC() throws {
        let (x, y) = Self.data()
        let shared = try LogisticHead(crossValidation: CrossValidationOptions(folds: 3, seed: 1, perConcept: false))
            .fit(x, y, concepts: concepts)
        XCTAssertEqual(Set(shared.regularization).count, 1)
        let fixed = try LogisticHead(c: 0.3, crossValidation: CrossValidationOptions(folds: 3)).fit(x, y, concepts: concepts)
        XCTAssertEqual(fixed.regularization, [0.3, 0.3, 0.3])
        XCTAssertEqual(fixed.crossValidation?.grid, [0.3])
        XCTAssertFalse(fixed.thresholds.contains(0.5), "thresholds still come from the out-of-fold scores")
    }

    func testFoldsAreStratifiedAndSeeded() {
        let (_, y) = Self.data()
        let folds = StratifiedFolds.assign(y, folds: 5, seed: 9)
        XCTAssertEqual(folds, StratifiedFolds.assign(y, folds: 5, seed: 9))
        XCTAssertNotEqual(folds, StratifiedFolds.assign(y, folds: 5, seed: 10))
        let sizes = (0..<5).map { f in folds.filter { $0 == f }.count }
        XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1)
        // The rare concept's positives are spread evenly: its stratum is dealt round-robin.
        let rarePositives = (0..<y.rows).filter { y[$0, 1] == .positive }
        let perFold = (0..<5).map { f in rarePositives.filter { folds[$0] == f }.count }
        XCTAssertLessThanOrEqual(perFold.max()! - perFold.min()!, 2, "\(perFold)")
    }

    func testGroupedFoldsKeepAGroupTogether() {
        let (_, y) = Self.data()
        // One group per row is the ungrouped assignment itself.
        XCTAssertEqual(StratifiedFolds.assign(y, folds: 5, seed: 9, groups: Array(0..<y.rows)), StratifiedFolds.assign(y, folds: 5, seed: 9))
        // Three rows per group (as crops of one photo): every group in one fold, groups dealt evenly.
        let groups = (0..<y.rows).map { $0 / 3 }
        let folds = StratifiedFolds.assign(y, folds: 5, seed: 9, groups: groups)
        for g in Set(groups) {
            XCTAssertEqual(Set(groups.indices.filter { groups[$0] == g }.map { folds[$0] }).count, 1, "group \(g)")
        }
        let groupsPerFold = (0..<5).map { f in Set(groups.indices.filter { folds[$0] == f }.map { groups[$0] }).count }
        XCTAssertLessThanOrEqual(groupsPerFold.max()! - groupsPerFold.min()!, 1, "\(groupsPerFold)")
    }

    /// Scoring rows that are the training rows themselves, each its own group,
    /// must give exactly the ordinary cross-validation: same folds, same
    /// out-of-fold scores, so the same C, thresholds and metrics.
    func testScoredRowsThatAreTheTrainingRowsChangeNothing() throws {
        let (x, y) = Self.data()
        let head = LogisticHead(cGrid: [0.01, 1], crossValidation: CrossValidationOptions(folds: 3, seed: 4))
        let concepts = (0..<y.concepts).map { "c\($0)" }
        let plain = try head.fit(x, y, concepts: concepts)
        let rows = Array(0..<x.rows)
        let scored = try head.fit(x, y, concepts: concepts, groups: rows, scored: ScoredRows(features: x, labels: y, groups: rows))
        // Scored rows are scored by the model's float32 product, held-out training
        // rows by the solver's own logits: equal to float32 rounding.
        let a = try XCTUnwrap(plain.crossValidation), b = try XCTUnwrap(scored.crossValidation)
        XCTAssertEqual(a.concepts.map(\.c), b.concepts.map(\.c))
        for (x, y) in zip(a.concepts, b.concepts) {
            XCTAssertEqual(x.averagePrecision, y.averagePrecision, accuracy: 1e-9, x.concept)
            XCTAssertEqual(x.f1, y.f1, accuracy: 1e-9, x.concept)
            XCTAssertEqual(x.logLoss, y.logLoss, accuracy: 1e-6, x.concept)
        }
        for (x, y) in zip(plain.thresholds, scored.thresholds) { XCTAssertEqual(x, y, accuracy: 1e-6) }
        XCTAssertEqual(plain.weights, scored.weights)
    }

    func testExclusiveCrossValidation() throws {
        let data = ReferenceData(try Fixture.json("logistic_reference")["multinomial"] as! [String: Any])
        let head = LogisticHead(mode: .exclusive, cGrid: [0.01, 1], crossValidation: CrossValidationOptions(folds: 3, seed: 2))
        let model = try head.fit(data.features, data.labels, concepts: data.concepts)
        XCTAssertEqual(model.regularization.count, 1)
        XCTAssertTrue(model.thresholds.isEmpty)
        let summary = try XCTUnwrap(model.crossValidation?.exclusive)
        let labelled = (data.case_["classes"] as! [Int]).filter { $0 >= 0 }.count
        XCTAssertEqual(summary.confusionMatrix.flatMap { $0 }.reduce(0, +), labelled)
        let diagonal = (0..<4).map { summary.confusionMatrix[$0][$0] }.reduce(0, +)
        XCTAssertEqual(summary.accuracy, Double(diagonal) / Double(labelled), accuracy: 1e-12)
        XCTAssertGreaterThan(summary.accuracy, 0.5, "four classes; chance is about 0.25")
    }

    func testTooFewExamplesForTheFolds() {
        let (x, y) = Self.data()
        var labels = y
        for i in 0..<labels.rows where labels[i, 1] == .positive { labels[i, 1] = .negative }
        labels[0, 1] = .positive
        labels[1, 1] = .positive
        XCTAssertThrowsError(try LogisticHead().fit(x, labels, concepts: concepts)) { error in
            XCTAssertEqual(error as? TrainingError, .tooFewExamples(concept: "rare", positives: 2, negatives: 238, needed: 5))
        }
    }
}
