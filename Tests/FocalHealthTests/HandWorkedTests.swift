@testable import FocalHealth
import FocalImages
import FocalNumerics
import FocalTraining
import Foundation
import XCTest

/// The pieces of the check on cases small enough to work out by hand.
final class HandWorkedTests: XCTestCase {
    func testConfidentLearningFlagsTheOffDiagonal() {
        // t₁ = mean p of labelled positives = (0.9 + 0.8 + 0.1) / 3 = 0.6;
        // t₀ = mean 1 − p of labelled negatives = (0.8 + 0.7 + 0.05) / 3 ≈ 0.517.
        // Row 2 (labelled positive, 1 − p = 0.9 ≥ t₀, p < t₁) is confidently negative;
        // row 5 (labelled negative, p = 0.95 ≥ t₁, 1 − p < t₀) is confidently positive.
        // Ranked by self-confidence: row 5 (0.05) before row 2 (0.1).
        let p = [0.9, 0.8, 0.1, 0.2, 0.3, 0.95]
        let given = [true, true, true, false, false, false]
        XCTAssertEqual(ConfidentLearning.labelIssues(probabilities: p, given: given), [5, 2])
        XCTAssertEqual(ConfidentLearning.labelIssues(probabilities: [0.9, 0.1], given: [true, false]), [])
    }

    func testSilhouetteOfTwoTightPairs() {
        // Distances 1 − s: within pair A 0.1, within pair B 0.2, across 0.9.
        // Rows of A: (0.9 − 0.1) / 0.9 = 8/9; rows of B: (0.9 − 0.2) / 0.9 = 7/9; mean 15/18.
        let s: [Float] = [1, 0.9, 0.1, 0.1,
                          0.9, 1, 0.1, 0.1,
                          0.1, 0.1, 1, 0.8,
                          0.1, 0.1, 0.8, 1]
        XCTAssertEqual(Clusters.silhouette(s, n: 4, assignment: [0, 0, 1, 1], k: 2), 15.0 / 18, accuracy: 1e-6)
    }

    func testTwoDirectionsMakeTwoClusters() {
        // 10 rows near (1, 0, 0) and 10 near (0, 1, 0): two groups of ten, each pure.
        var values: [Float] = []
        for i in 0..<20 {
            let e = Float(i % 5) * 0.01
            values += i < 10 ? [1, e, 0.02] : [e, 1, -0.02]
        }
        let x = UnitEmbeddings(FeatureMatrix(rows: 20, columns: 3, values: values), mean: [0, 0, 0])
        let c = Clusters.best(x)
        XCTAssertEqual(c.k, 2)
        XCTAssertEqual(Set(c.members.map { Set($0) }), [Set(0..<10), Set(10..<20)])
        // 60 directions drawn evenly (Gaussian) in 20 dimensions have no groups.
        var random = SplitMix64(seed: 3)
        let gaussian = (0..<(60 * 20)).map { _ -> Float in
            let u = Double(random.below(1 << 30) + 1) / Double(1 << 30), v = Double(random.below(1 << 30)) / Double(1 << 30)
            return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
        }
        let ball = UnitEmbeddings(FeatureMatrix(rows: 60, columns: 20, values: gaussian), mean: [Float](repeating: 0, count: 20))
        XCTAssertEqual(Clusters.best(ball).k, 1)
    }

    func testHueOfPureColours() {
        let red = ColourStatistics(RGBImage(width: 4, height: 4, color: (255, 0, 0)))
        XCTAssertEqual(red.hues[0], 1)
        XCTAssertEqual(red.colourful, 1)
        XCTAssertEqual(red.brightness, 1, accuracy: 1e-12)
        let green = ColourStatistics(RGBImage(width: 4, height: 4, color: (0, 255, 0)))
        XCTAssertEqual(ColourStatistics.hueNames[green.hues.firstIndex(of: 1)!], "green")
        // Half grey (not coloured), half blue (hue 240°): half the pixels coloured, all of them blue.
        var image = RGBImage(width: 4, height: 2, color: (128, 128, 128))
        for x in 0..<4 { image.pixels.replaceSubrange((x * 3)..<(x * 3 + 3), with: [0, 0, 200]) }
        let half = ColourStatistics(image)
        XCTAssertEqual(half.colourful, 0.5)
        XCTAssertEqual(ColourStatistics.hueNames[half.hues.firstIndex(of: 1)!], "blue")
        XCTAssertTrue(red.difference(from: green, noun: "these", referenceNoun: "those")?.contains("more red") ?? false)
        // Only a box: the red box of a green image.
        var boxed = RGBImage(width: 10, height: 10, color: (0, 255, 0))
        for y in 2..<4 { for x in 2..<4 { boxed.pixels.replaceSubrange(((y * 10 + x) * 3)..<((y * 10 + x) * 3 + 3), with: [255, 0, 0]) } }
        XCTAssertEqual(ColourStatistics(boxed, boxes: [(x: 2, y: 2, width: 2, height: 2)]).hues[0], 1)
    }

    func testLearningCurveVerdict() {
        XCTAssertEqual(LearningCurve.verdict(half: 0.80, threeQuarters: 0.85, full: 0.90), .rising)
        XCTAssertEqual(LearningCurve.verdict(half: 0.90, threeQuarters: 0.905, full: 0.91), .flat)
        XCTAssertEqual(LearningCurve.verdict(half: 0.95, threeQuarters: 0.98, full: 0.995), .flat, "saturated")
        XCTAssertEqual(LearningCurve.verdict(half: 0.91, threeQuarters: 0.94, full: 0.936), .flat, "the last quarter went down")
    }

    func testExactAndNearDuplicates() {
        // Rows 0 and 1 share bytes; rows 0 and 2 point the same way (cosine 1) but are different files.
        let x = UnitEmbeddings(FeatureMatrix(rows: 4, columns: 2, values: [1, 0, 0, 1, 2, 0, -1, 1]), mean: [0, 0])
        let pairs = Duplicates().within(x, hashes: ["h", "h", "g", "k"])
        XCTAssertEqual(pairs.map { [$0.a, $0.b] }, [[0, 1], [0, 2]])
        XCTAssertEqual(pairs.map(\.exact), [true, false])
        let leaks = Duplicates().between(x.subset([3, 2]), hashes: ["k", nil], reference: x.subset([0, 1]), referenceHashes: ["h", "k"])
        XCTAssertEqual(leaks.map { [$0.a, $0.b] }, [[0, 1], [1, 0]])
    }

    func testQuantityFloors() {
        XCTAssertEqual(Quantity.finding(concept: "c", positives: 9, negatives: 100)?.severity, .high)
        XCTAssertEqual(Quantity.finding(concept: "c", positives: 100, negatives: 29)?.severity, .medium)
        XCTAssertNil(Quantity.finding(concept: "c", positives: 30, negatives: 30))
        XCTAssertTrue(Quantity.finding(concept: "c", positives: 50, negatives: 0)?.message.contains("no negatives") ?? false)
    }
}
