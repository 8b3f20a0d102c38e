import XCTest
@testable import FocalTraining

final class LabelTests: XCTestCase {
    func testNegativePolicy() {
        let labels = LabelMatrix([[.positive, .unknown, .unknown],
                                  [.unknown, .unknown, .negative],
                                  [.negative, .positive, .unknown]])
        XCTAssertEqual(labels.applying(.labelledOnly), labels)
        // Row 0 is positive for concept 0, so it becomes a negative of 1 and 2;
        // row 1 has no positive and stays as it is.
        XCTAssertEqual(labels.applying(.includeOtherPositives),
                       LabelMatrix([[.positive, .negative, .negative],
                                    [.unknown, .unknown, .negative],
                                    [.negative, .positive, .negative]]))
    }

    func testBalancedWeightsLeaveUnknownsOut() throws {
        // Concept 0: 1 positive, 3 negatives, 1 unknown → n = 4,
        // s+ = 4 / (2·1) = 2, s− = 4 / (2·3) = 2/3, unknown 0. Weights sum to n.
        let labels = LabelMatrix([[.positive], [.negative], [.negative], [.unknown], [.negative]])
        let x = FeatureMatrix(rows: 5, columns: 1, values: [1, 2, 3, 4, 5])
        let problem = try LogisticProblem.binary(x: x, labels: labels, names: ["a"], classWeight: .balanced, c: [1])
        XCTAssertEqual(problem.sampleWeights, [2, 2.0 / 3, 2.0 / 3, 0, 2.0 / 3])
        XCTAssertEqual(problem.targets, [1, 0, 0, 0, 0])
        XCTAssertEqual(problem.weightSum(of: 0), 4, accuracy: 1e-15)
        let uniform = try LogisticProblem.binary(x: x, labels: labels, names: ["a"], classWeight: .uniform, c: [1])
        XCTAssertEqual(uniform.sampleWeights, [1, 1, 1, 0, 1])
    }

    func testExclusiveLabels() throws {
        let labels = LabelMatrix(classes: [2, nil, 0], concepts: 3)
        XCTAssertEqual(labels, LabelMatrix([[.negative, .negative, .positive],
                                            [.unknown, .unknown, .unknown],
                                            [.positive, .negative, .negative]]))
        XCTAssertEqual(try labels.exclusiveClass(row: 0), 2)
        XCTAssertNil(try labels.exclusiveClass(row: 1))
        let clash = LabelMatrix([[.positive, .positive]])
        XCTAssertThrowsError(try clash.exclusiveClass(row: 0)) { XCTAssertEqual($0 as? TrainingError, .severalPositives(row: 0)) }
        // Balanced multinomial weights: n / (K · n_k) over rows with a class: 2 rows,
        // classes 2 and 0 once each, and class 1 never — which is an error.
        let x = FeatureMatrix(rows: 3, columns: 1, values: [1, 2, 3])
        XCTAssertThrowsError(try LogisticProblem.multinomial(x: x, labels: labels, names: ["a", "b", "c"],
                                                             classWeight: .balanced, c: 1)) {
            XCTAssertEqual($0 as? TrainingError, .tooFewExamples(concept: "b", positives: 0, negatives: 2, needed: 1))
        }
    }

    func testStandardization() {
        // Column 0: 1, 3 → mean 2, population sd 1. Column 1 constant → scale 1.
        let x = FeatureMatrix([[1, 5], [3, 5]])
        let s = Standardization(fitting: x)
        XCTAssertEqual(s.mean, [2, 5])
        XCTAssertEqual(s.scale, [1, 1])
        XCTAssertEqual(s.transform(x).values, [-1, 0, 1, 0])
    }

    func testFitRejectsBadInput() {
        let x = FeatureMatrix([[1], [2]])
        XCTAssertThrowsError(try LogisticHead(c: 1, crossValidation: nil).fit(x, LabelMatrix([[.positive]]), concepts: ["a"]))
        XCTAssertThrowsError(try LogisticHead(crossValidation: nil).fit(x, LabelMatrix([[.positive], [.negative]]), concepts: ["a"])) {
            XCTAssertEqual($0 as? TrainingError, .invalidOption("without cross-validation, C must be given"))
        }
        XCTAssertThrowsError(try LogisticHead(c: 1, crossValidation: nil).fit(x, LabelMatrix([[.positive], [.positive]]), concepts: ["a"])) {
            XCTAssertEqual($0 as? TrainingError, .tooFewExamples(concept: "a", positives: 2, negatives: 0, needed: 1))
        }
    }
}
