import FocalAdvice
import FocalConcepts
import FocalDatasets
import FocalTraining
import Foundation
import XCTest

/// The presence head on features built by hand: column 0 is the concept,
/// column 1 the context, column 2 noise. Every training row and false positive
/// shows the context, so only column 0 can tell the sides apart.
final class PresenceHeadTests: XCTestCase {
    struct Row { var sample: Sample; var features: [Float] }

    func row(_ i: Int, _ positives: [String], _ negatives: [String], concept: Float, context: Float) -> Row {
        Row(sample: Sample(image: "\(i).jpg", path: "/d/\(i).jpg", positives: positives, negatives: negatives, split: .train),
            features: [concept + 0.1 * Float(sin(Double(i))), context + 0.1 * Float(cos(Double(i))), Float(sin(Double(i) * 7))])
    }

    var training: (LabelledFeatures, excluded: Set<String>) {
        var rows: [Row] = []
        // 12 focal positives (concept and context), 4 not focal (context only).
        for i in 0..<12 { rows.append(row(i, ["bouquet", "veil", "greenery"], [], concept: 1, context: 1)) }
        for i in 12..<16 { rows.append(row(i, ["bouquet", "veil", "greenery"], [], concept: 0, context: 1)) }
        // 6 negatives that show two drivers, 6 that show one, 6 that show none.
        for i in 16..<22 { rows.append(row(i, ["veil", "greenery"], ["bouquet"], concept: 0, context: 1)) }
        for i in 22..<28 { rows.append(row(i, ["veil"], ["bouquet"], concept: 0, context: 0)) }
        for i in 28..<34 { rows.append(row(i, [], ["bouquet"], concept: 0, context: 0)) }
        let data = LabelledFeatures(samples: rows.map(\.sample), features: FeatureMatrix(rows.map(\.features)),
                                    labels: LabelMatrix(rows.map { [$0.sample.label("bouquet") == true ? .positive : .negative] }),
                                    concepts: ["bouquet"])
        return (data, Set((12..<16).map { "/d/\($0).jpg" }))
    }

    func testItLearnsTheConceptWhereBothSidesShowTheContext() throws {
        let (data, excluded) = training
        let falsePositives = FeatureMatrix((40..<43).map { i in row(i, [], [], concept: 0, context: 1).features })
        let head = try XCTUnwrap(PresenceHead.train(training: data, excluded: excluded, search: CounterExampleSearch(concept: "bouquet", drivers: ["veil", "greenery", "flowers"]),
                                                   falsePositives: falsePositives))
        // 12 focal positives; 6 negatives with two drivers and 3 false positives.
        XCTAssertEqual(head.positives, 12)
        XCTAssertEqual(head.negatives, 9)
        let p = head.probabilities(FeatureMatrix([[1, 1, 0], [0, 1, 0]]))
        XCTAssertGreaterThanOrEqual(p[0], head.threshold, "concept and context")
        XCTAssertLessThan(p[1], head.threshold, "context alone")
        // Only column 0 separates the sides, so it carries the largest weight.
        let w = head.model.logitCoefficients(concept: 0).weights
        XCTAssertGreaterThan(w[0], abs(w[1]))
        XCTAssertGreaterThan(w[0], abs(w[2]))
    }

    func testExcludedPositivesAreLeftOutAndTooFewGiveNoHead() throws {
        let (data, excluded) = training
        let none = FeatureMatrix(rows: 0, columns: 3, values: [])
        let all = try XCTUnwrap(PresenceHead.train(training: data, excluded: [], search: CounterExampleSearch(concept: "bouquet", drivers: ["veil", "greenery"]),
                                                   falsePositives: none))
        XCTAssertEqual(all.positives, 16)
        XCTAssertEqual(all.negatives, 6)
        // With one driver needed, the negatives that show only the veil count too.
        let one = try XCTUnwrap(PresenceHead.train(training: data, excluded: excluded, search: CounterExampleSearch(concept: "bouquet", drivers: ["veil"]),
                                                   falsePositives: none))
        XCTAssertEqual(one.negatives, 12)
        // Four focal positives are fewer than one per fold.
        let focalFew = excluded.union((0..<8).map { "/d/\($0).jpg" })
        XCTAssertNil(try PresenceHead.train(training: data, excluded: focalFew, search: CounterExampleSearch(concept: "bouquet", drivers: ["veil", "greenery"]),
                                                   falsePositives: none))
        XCTAssertNil(try PresenceHead.train(training: data, excluded: excluded, search: CounterExampleSearch(concept: "bouquet", drivers: []),
                                                   falsePositives: none))
    }
}
