import FocalBackbone
import FocalImages
import Foundation
import XCTest

/// The network against the independent float64 reference (shared/vectors,
/// copied into Fixtures): each image is the network input as is.
final class ReferenceVectorTests: XCTestCase {
    struct Reference: Decodable {
        struct Embedding: Decodable { let all: [Double] }
        struct Top: Decodable { let index: Int; let logit: Double; let prob: Double; let name: String }
        let embedding: Embedding
        let top5: [Top]
    }

    static let backbone: Backbone = try! Backbone.load()

    func fixture(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)!
    }

    func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture(name + ".json")))
        let image = try ImageDecoder().decode(path: fixture(name + ".png").path)
        XCTAssertEqual(image.width, 224)
        let backbone = Self.backbone
        let embedding = backbone.network.embed([Preprocessing.normalize(image)])[0]
        XCTAssertEqual(embedding.count, 1280)
        let maxDiff = zip(embedding, reference.embedding.all).map { abs(Double($0) - $1) }.max()!
        XCTAssertLessThanOrEqual(maxDiff, 1e-3, "\(name): embedding differs by \(maxDiff)", file: file, line: line)
        let top = backbone.topClasses(embedding: embedding, k: 5)
        XCTAssertEqual(top.map(\.index), reference.top5.map(\.index), "\(name): top-5 order", file: file, line: line)
        XCTAssertEqual(top.map(\.label), reference.top5.map(\.name), file: file, line: line)
        for (ours, theirs) in zip(top, reference.top5) {
            XCTAssertEqual(Double(ours.logit), theirs.logit, accuracy: 1e-3, file: file, line: line)
            XCTAssertEqual(ours.probability, theirs.prob, accuracy: 1e-4, file: file, line: line)
        }
    }

    func testChelseaMatchesReference() throws { try check("chelsea224") }
    func testGrayMatchesReference() throws { try check("gray") }
    func testGradientMatchesReference() throws { try check("gradient") }
    func testCheckerboardMatchesReference() throws { try check("checkerboard") }

    /// A batch gives each image the embedding of running it alone, to float
    /// rounding: OpenBLAS may sum in another order for another row count (on
    /// some processors it does: 4e-7 apart on the 2026-12 AMD EPYC host).
    func testBatchMatchesSingles() throws {
        let names = ["chelsea224", "gray", "gradient", "checkerboard"]
        let inputs = try names.map { Preprocessing.normalize(try ImageDecoder().decode(path: fixture($0 + ".png").path)) }
        let batch = Self.backbone.network.embed(inputs)
        for (i, input) in inputs.enumerated() {
            let single = Self.backbone.network.embed([input])[0]
            let worst = zip(single, batch[i]).map { abs($0 - $1) / (1 + abs($1)) }.max()!
            XCTAssertLessThanOrEqual(worst, 1e-5, "\(names[i]) differs between batch and single")
        }
    }

    /// Batches take other paths than single images (one worker per share of
    /// the images; early blocks image by image, late blocks in groups of 8):
    /// 19 images, with one worker and with two, each equal to its own single pass.
    func testLargeOddBatchesMatchSingles() throws {
        let names = ["chelsea224", "gray", "gradient", "checkerboard"]
        let fixtures = try names.map { Preprocessing.normalize(try ImageDecoder().decode(path: fixture($0 + ".png").path)) }
        let inputs = (0..<19).map { i in fixtures[i % 4].map { $0 * (1 - Float(i) * 0.01) } }
        for workers in [1, 2] {
            let network = try EfficientNetLite0(weights: SafeTensors(path: Self.backbone.weightsPath), workers: workers)
            let batch = network.embed(inputs)
            for (i, input) in inputs.enumerated() {
                let single = network.embed([input])[0]
                let worst = zip(single, batch[i]).map { abs($0 - $1) }.max()!
                XCTAssertLessThanOrEqual(worst, 1e-5, "image \(i) with \(workers) workers differs between batch and single")
            }
        }
    }
}
