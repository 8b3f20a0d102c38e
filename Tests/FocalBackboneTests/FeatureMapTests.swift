import FocalBackbone
import FocalImages
import Foundation
import XCTest

/// The network at input sizes other than 224, against onnxruntime on the graph
/// `Benchmarks/onnx_graph.py --dynamic` builds (SAME_UPPER padding at every size;
/// Fixtures/make_any_size_reference.py), and the exact split of a linear score
/// over the feature map's positions.
final class FeatureMapTests: XCTestCase {
    struct Reference: Decodable {
        struct Embedding: Decodable { let all: [Double] }
        struct Top: Decodable { let index: Int; let logit: Double }
        let size: [Int]
        let embedding: Embedding
        let top5: [Top]
        let feature_side: [Int]
        let class_index: Int
        let fc_bias: Double
        let class_map: [Double]
    }

    static let backbone: Backbone = try! Backbone.load()

    func fixture(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)!
    }

    func check(_ name: String) throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture(name + ".json")))
        let image = try ImageDecoder().decode(path: fixture(name + ".png").path)
        XCTAssertEqual([image.width, image.height], reference.size)
        let network = Self.backbone.network
        let map = network.featureMap(Preprocessing.normalize(image), side: image.width)
        XCTAssertEqual([map.side, map.side], reference.feature_side, name)
        let embedding = map.embedding
        let maxDiff = zip(embedding, reference.embedding.all).map { abs(Double($0) - $1) }.max()!
        XCTAssertLessThanOrEqual(maxDiff, 1e-3, "\(name): embedding differs from onnxruntime by \(maxDiff)")
        let top = Self.backbone.topClasses(embedding: embedding, k: 5)
        XCTAssertEqual(top.map(\.index), reference.top5.map(\.index), "\(name): top-5 order")
        for (ours, theirs) in zip(top, reference.top5) { XCTAssertEqual(Double(ours.logit), theirs.logit, accuracy: 1e-3) }

        // The class's map, position by position (onnxruntime's has no 1/P).
        let score = network.imageNetScore(class: reference.class_index)
        XCTAssertEqual(score.bias, reference.fc_bias, accuracy: 1e-6)
        let cells = map.contributions(score)
        let positions = Double(map.positions)
        for (p, (ours, theirs)) in zip(cells, reference.class_map).enumerated() {
            XCTAssertEqual(ours * positions, theirs, accuracy: 2e-3 * max(1, abs(theirs)), "\(name): position \(p)")
        }
        // The cells sum to the logit minus the bias.
        let logit = score(embedding)
        XCTAssertEqual(cells.reduce(0, +), logit - score.bias, accuracy: 1e-4 * abs(logit - score.bias))
    }

    func testAt320MatchesOnnxRuntime() throws { try check("chelsea320") }

    /// 300 is not a multiple of 32: padding is uneven (0/1 and 1/2 pixels) at several layers.
    func testAt300MatchesOnnxRuntime() throws { try check("china300") }

    /// At 224 the feature map's mean is the embedding the batched path computes,
    /// and the split of every concept-like score sums to it.
    func testAt224TheMeanIsTheEmbedding() throws {
        let image = try ImageDecoder().decode(path: fixture("chelsea224.png").path)
        let input = Preprocessing.normalize(image)
        let network = Self.backbone.network
        let map = network.featureMap(input, side: 224)
        XCTAssertEqual(map.side, 7)
        let embedding = network.embed([input])[0]
        let maxDiff = zip(map.embedding, embedding).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(maxDiff, 1e-5)
        for c in [0, 281, 999] {
            let score = network.imageNetScore(class: c)
            let sum = map.contributions(score).reduce(0, +)
            XCTAssertEqual(sum, score(embedding) - score.bias, accuracy: 1e-4 * max(1, abs(sum)), "class \(c)")
        }
    }

    func testMultiplyAddsGrowWithTheArea() {
        let network = Self.backbone.network
        XCTAssertEqual(network.multiplyAdds(inputSide: 224), network.multiplyAddsPerImage)
        let ratio = Double(network.multiplyAdds(inputSide: 448)) / Double(network.multiplyAdds(inputSide: 224))
        XCTAssertEqual(ratio, 4, accuracy: 0.05)
    }
}
