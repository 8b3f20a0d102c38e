import FocalConcepts
import FocalDatasets
import FocalTraining
import XCTest

/// The evaluator's bookkeeping on a case worked out by hand: one feature, a
/// model with p = sigmoid(x) and threshold 0.5, so "positive" means x ≥ 0.
final class EvaluationTests: XCTestCase {
    // x:        2     1     -1     3    -2    -3
    // label:   pos   pos   pos   neg   neg   (none)
    // decided:  +     +     −     +     −     −
    let xs: [Float] = [2, 1, -1, 3, -2, -3]
    let labels: [ConceptLabel] = [.positive, .positive, .positive, .negative, .negative, .unknown]

    func data() -> LabelledFeatures {
        let samples = xs.indices.map { Sample(image: "s\($0).jpg", path: "/d/s\($0).jpg") }
        return LabelledFeatures(samples: samples, features: FeatureMatrix(rows: 6, columns: 1, values: xs),
                                labels: LabelMatrix(rows: 6, concepts: 1, values: labels), concepts: ["c"])
    }

    func model(intercept: Double) throws -> HeadModel {
        var m = try LogisticHead(c: 1, crossValidation: nil).fit(
            FeatureMatrix(rows: 4, columns: 1, values: [1, 2, -1, -2]),
            LabelMatrix(rows: 4, concepts: 1, values: [.positive, .positive, .negative, .negative]), concepts: ["c"])
        m.standardization = Standardization(mean: [0], scale: [1])
        m.weights = [[1]]
        m.intercepts = [intercept]
        m.thresholds = [0.5]
        return m
    }

    func testMetricsMatchTheHandCount() throws {
        let r = Evaluator(replicates: 200).evaluate(try model(intercept: 0), on: data(), modelPath: "m", datasetPath: "d")
        let c = r.concepts[0]
        // Known rows 0-4: TP 2 (rows 0, 1), FN 1 (row 2), FP 1 (row 3), TN 1 (row 4).
        XCTAssertEqual(c.positives, 3)
        XCTAssertEqual(c.negatives, 2)
        XCTAssertEqual(c.precision.estimate, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(c.recall.estimate, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(c.f1.estimate, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(c.falsePositiveRate.estimate, 0.5, accuracy: 1e-12)
        XCTAssertEqual(c.accuracy, 0.6, accuracy: 1e-12)
        // Ranked by score: 3 (neg), 2 (pos), 1 (pos), −1 (pos), −2 (neg):
        // AP = (1/2 + 2/3 + 3/4) / 3; AUC = 3 of 6 positive-negative pairs ordered right.
        XCTAssertEqual(c.averagePrecision.estimate, (0.5 + 2.0 / 3 + 0.75) / 3, accuracy: 1e-12)
        XCTAssertEqual(c.rocAUC.estimate, 0.5, accuracy: 1e-12)
        XCTAssertEqual(c.worstFalsePositives.map(\.image), ["/d/s3.jpg"])
        XCTAssertEqual(c.worstFalseNegatives.map(\.image), ["/d/s2.jpg"])
        // Exact match: rows 0, 1, 4 right, rows 2, 3 wrong, row 5 has no known label (right).
        XCTAssertEqual(r.exactMatchAccuracy.estimate, 4.0 / 6, accuracy: 1e-12)
        XCTAssertLessThanOrEqual(c.precision.lower, c.precision.estimate)
        XCTAssertGreaterThanOrEqual(c.precision.upper, c.precision.estimate)
        XCTAssertNil(r.confusionMatrix)
    }

    func testComparisonCountsFlips() throws {
        // B needs x ≥ 1.5: it drops row 1 (a positive it got right before) and nothing else changes.
        let a = try model(intercept: 0), b = try model(intercept: -1.5)
        let side = ComparisonReport.Side(dataset: "a", revision: "r", trainingSamples: 4, c: [1])
        let r = Comparer(replicates: 200).compare(a: a, b: b, sideA: side, sideB: side, test: data(), testPath: "t")
        let c = r.concepts[0]
        XCTAssertEqual(c.broken, ["/d/s1.jpg"])
        XCTAssertEqual(c.fixed, [])
        XCTAssertEqual(c.mcnemar.onlyA, 1)
        XCTAssertEqual(c.mcnemar.onlyB, 0)
        // One discordant pair: the exact two-sided binomial p-value is 1.
        XCTAssertEqual(c.mcnemar.pValue, 1, accuracy: 1e-12)
        let recall = c.metrics.first { $0.name == "recall" }!
        XCTAssertEqual(recall.a, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(recall.b, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(recall.difference.estimate, -1.0 / 3, accuracy: 1e-12)
    }
}

/// An exclusive (softmax) model's confusion matrix, counted by hand.
final class ExclusiveEvaluationTests: XCTestCase {
    func testConfusionMatrixOfAnExclusiveModel() throws {
        // Two features; class scores z_k = x_k, so the predicted class is the larger feature.
        let xs: [Float] = [3, 0,   2, 1,   0, 2,   1, 3,   0, 1]
        //                 A→A     A→A     A→B     B→B     (none)→B
        let classes: [Int?] = [0, 0, 0, 1, nil]
        let labels = LabelMatrix(classes: classes, concepts: 2)
        var m = try LogisticHead(mode: .exclusive, c: 1, crossValidation: nil).fit(
            FeatureMatrix(rows: 4, columns: 2, values: [3, 0, 0, 3, 2, 1, 1, 2]),
            LabelMatrix(classes: [0, 1, 0, 1], concepts: 2), concepts: ["a", "b"])
        m.standardization = Standardization(mean: [0, 0], scale: [1, 1])
        m.weights = [[1, 0], [0, 1]]
        m.intercepts = [0, 0]
        let samples = (0..<5).map { Sample(image: "\($0)", path: "/x/\($0)") }
        let data = LabelledFeatures(samples: samples, features: FeatureMatrix(rows: 5, columns: 2, values: xs),
                                    labels: labels, concepts: ["a", "b"])
        let r = Evaluator(replicates: 100).evaluate(m, on: data, modelPath: "m", datasetPath: "d")
        // Rows: actual a, b; columns: predicted a, b. The unlabelled sample is left out.
        XCTAssertEqual(r.confusionMatrix, [[2, 1], [0, 1]])
        XCTAssertEqual(r.exactMatchAccuracy.estimate, 4.0 / 5, accuracy: 1e-12)  // rows 0, 1, 3 right; row 4 has no label
    }
}
