import FocalBackbone
import FocalScenes
import FocalTestSupport
import Foundation
import XCTest

/// A small logistic regression for this test only (the real concept head lives
/// in FocalTraining): features standardised with the training mean and
/// deviation, weights by full-batch gradient descent with a little L2.
struct TestLogisticRegression {
    var mean: [Double], scale: [Double], weights: [Double], bias = 0.0

    init(features: [[Float]], labels: [Bool], iterations: Int = 300, rate: Double = 0.5, l2: Double = 1e-3) {
        let n = features.count, d = features[0].count
        mean = (0..<d).map { j in features.reduce(0.0) { $0 + Double($1[j]) } / Double(n) }
        scale = (0..<d).map { j in
            let v = features.reduce(0.0) { $0 + (Double($1[j]) - 0) * Double($1[j]) } / Double(n)
            let m = features.reduce(0.0) { $0 + Double($1[j]) } / Double(n)
            return 1 / max((v - m * m).squareRoot(), 1e-6)
        }
        weights = [Double](repeating: 0, count: d)
        let x = features.map { standardise($0) }
        let y = labels.map { $0 ? 1.0 : 0.0 }
        for _ in 0..<iterations {
            var gradient = [Double](repeating: 0, count: d), gradientBias = 0.0
            for i in 0..<n {
                let error = sigmoid(dot(x[i])) - y[i]
                gradientBias += error
                for j in 0..<d { gradient[j] += error * x[i][j] }
            }
            for j in 0..<d { weights[j] -= rate * (gradient[j] / Double(n) + l2 * weights[j]) }
            bias -= rate * gradientBias / Double(n)
        }
    }

    func standardise(_ f: [Float]) -> [Double] { (0..<f.count).map { (Double(f[$0]) - mean[$0]) * scale[$0] } }
    func dot(_ x: [Double]) -> Double { zip(weights, x).reduce(bias) { $0 + $1.0 * $1.1 } }
    func sigmoid(_ z: Double) -> Double { 1 / (1 + Foundation.exp(-z)) }
    func probability(_ f: [Float]) -> Double { sigmoid(dot(standardise(f))) }
}

/// Average precision: the mean, over positives, of the precision at each positive's rank.
func averagePrecision(scores: [Double], labels: [Bool]) -> Double {
    let order = scores.indices.sorted { scores[$0] > scores[$1] }
    var hits = 0, sum = 0.0
    for (rank, i) in order.enumerated() where labels[i] {
        hits += 1
        sum += Double(hits) / Double(rank + 1)
    }
    return hits == 0 ? 0 : sum / Double(hits)
}

/// The generated elements are visible to the real backbone: linear heads find
/// each of them; and a bouquet head trained where context always comes with
/// bouquets fires on context alone, which is the lesson `wedding` teaches.
final class SeparabilityTests: XCTestCase {
    static var backbone: Backbone?

    func embeddings(_ folder: String, split: String) throws -> (rows: [ManifestRow], features: [[Float]]) {
        if Self.backbone == nil { Self.backbone = try Backbone.load() }
        let rows = try readManifest(folder).rows.filter { $0.split == split }
        var features: [[Float]] = []
        try Embedder(backbone: Self.backbone!).embed(paths: rows.map { folder + "/" + $0.image }) { item in
            features.append(try item.result.get())
        }
        return (rows, features)
    }

    func testElementsAreLinearlySeparableAndContextMisleadsABouquetHead() throws {
        let start = Date()
        // Elements independent of each other: every context element in half the images, with or without a bouquet.
        let independent = Wedding(contextWithBouquet: 0.5, contextWithoutBouquet: 0.5)
        let trainFolder = try temporaryFolder("scenes"), heldOutFolder = try temporaryFolder("scenes")
        try Generator.generate(independent, configuration: SynthConfiguration(seed: 101, counts: [.train: 200]), into: trainFolder)
        try Generator.generate(independent, configuration: SynthConfiguration(seed: 202, counts: [.train: 200]), into: heldOutFolder)
        let train = try embeddings(trainFolder, split: "train")
        let heldOut = try embeddings(heldOutFolder, split: "train")
        var report: [String] = []
        for element in ["veil", "greenery", "flowers", "bouquet"] {
            let head = TestLogisticRegression(features: train.features, labels: train.rows.map { $0.positives.contains(element) })
            let ap = averagePrecision(scores: heldOut.features.map(head.probability),
                                      labels: heldOut.rows.map { $0.positives.contains(element) })
            report.append(String(format: "%@ AP %.3f", element, ap))
            XCTAssertGreaterThanOrEqual(ap, 0.9, "\(element) is not linearly separable in the backbone's features")
        }

        // Strong co-occurrence in training, decoupled test.
        let biased = try temporaryFolder("scenes")
        try Generator.generate(Wedding(contextWithBouquet: 0.9, contextWithoutBouquet: 0.1),
                               configuration: SynthConfiguration(seed: 303, counts: [.train: 200, .test: 200]), into: biased)
        let biasedTrain = try embeddings(biased, split: "train")
        let test = try embeddings(biased, split: "test")
        let head = TestLogisticRegression(features: biasedTrain.features, labels: biasedTrain.rows.map { $0.positives.contains("bouquet") })
        var fired: [String: (Int, Int)] = [:]
        for (row, feature) in zip(test.rows, test.features) {
            let key = (row.positives.contains("bouquet") ? "bouquet" : "no bouquet") + " / " + row.fields["context"]!
            let positive = head.probability(feature) >= 0.5
            fired[key, default: (0, 0)].0 += positive ? 1 : 0
            fired[key, default: (0, 0)].1 += 1
        }
        func rate(_ key: String) -> Double { Double(fired[key]!.0) / Double(fired[key]!.1) }
        for key in fired.keys.sorted() {
            report.append(String(format: "bouquet head fires on %@: %.1f%% (%d/%d)", key, 100 * rate(key), fired[key]!.0, fired[key]!.1))
        }
        report.append(String(format: "%.1fs", Date().timeIntervalSince(start)))
        print("separability: " + report.joined(separator: "; "))
        // The lesson: false positives on wedding context without a bouquet, far more than on plain negatives.
        XCTAssertGreaterThan(rate("no bouquet / wedding"), 0.2)
        XCTAssertGreaterThan(rate("no bouquet / wedding"), rate("no bouquet / none") + 0.15)
    }
}
