@testable import FocalAttribution
@testable import FocalBackbone
import FocalImages
import Foundation
import XCTest

/// The score gradient that approximate occlusion uses to put back the changes
/// it leaves out, against central differences of the network itself, and
/// what it buys: thresholded scores closer to the exact ones.
final class ScoreGradientTests: XCTestCase {
    static let network = Shared.backbone.network
    static let score = network.imageNetScore(class: 282)

    static let image: [Float] = {
        let fixture = Bundle.module.url(forResource: "Fixtures/chelsea224", withExtension: "png")!
        return Preprocessing.normalize(try! ImageDecoder().decode(path: fixture.path))
    }()

    /// The score of the network run from block `b`'s input `x` (b == 16: the head's).
    func score(fromInputOf b: Int, _ x: [Float]) -> Double {
        let workspace = EfficientNetLite0.Workspace()
        let buffers = workspace.buffers
        buffers[0].update(from: x, count: x.count)
        var embedding = [Float](repeating: 0, count: EfficientNetLite0.embeddingSize)
        Self.image.withUnsafeBufferPointer { input in
            embedding.withUnsafeMutableBufferPointer {
                _ = Self.network.embedGroup(input.baseAddress!, count: 1, into: $0.baseAddress!, workspace: workspace,
                                            blocks: b..<16, buffers: buffers)
            }
        }
        return Self.score(embedding)
    }

    func testLinearScoreIsTheClassifierLogit() {
        let embedding = Self.network.embed([Self.image])[0]
        XCTAssertEqual(Self.score(embedding), Double(Self.network.logits(embedding)[282]), accuracy: 1e-3)
    }

    /// δ along the gradient over a few positions (so g·δ is well clear of
    /// rounding), at most 0.01 in any channel.
    func along(_ gradient: [Float], positions: [Int], channels c: Int) -> [Float] {
        var delta = [Float](repeating: 0, count: gradient.count)
        let largest = positions.flatMap { p in (0..<c).map { abs(gradient[p * c + $0]) } }.max()!
        for p in positions { for i in 0..<c { delta[p * c + i] = gradient[p * c + i] * 0.01 / largest } }
        return delta
    }

    func directional(_ gradient: [Float], _ delta: [Float]) -> Double {
        zip(gradient, delta).reduce(0.0) { $0 + Double($1.0 * $1.1) }
    }

    /// g·δ against (score(x + δ) − score(x − δ)) / 2 over a 3×3 patch of
    /// positions, at the last 28×28 layer, 14×14 and 7×7 ones and the head's input.
    func testBlockInputGradientsMatchCentralDifferences() {
        let incremental = Incremental(network: Self.network, image: Self.image, baseline: Self.image,
                                      changeThreshold: 0.1, score: Self.score)
        let gradient = incremental.gradient!
        for b in [5, 9, 11, 14, 16] {
            let x = incremental.record.blockInputs[b], side = EfficientNetLite0.inputSides[b]
            let middle = side / 2
            let positions = (middle - 1...middle + 1).flatMap { y in (middle - 1...middle + 1).map { y * side + $0 } }
            let delta = along(gradient.blockInputs[b], positions: positions, channels: x.count / (side * side))
            let numeric = (score(fromInputOf: b, zip(x, delta).map { $0 + $1 }) - score(fromInputOf: b, zip(x, delta).map { $0 - $1 })) / 2
            XCTAssertGreaterThan(numeric, 1e-4, "block \(b)")
            XCTAssertEqual(directional(gradient.blockInputs[b], delta), numeric, accuracy: 0.02 * numeric, "block \(b)")
        }
        XCTAssertTrue(gradient.blockInputs[4].isEmpty, "no gradient below the thresholded blocks")
    }

    /// The depthwise gradient, through one block's projection and residual by hand.
    func testDepthwiseGradientMatchesCentralDifferences() {
        let incremental = Incremental(network: Self.network, image: Self.image, baseline: Self.image,
                                      changeThreshold: 0.1, score: Self.score)
        let b = 12, block = Self.network.blocks[b], e = block.spec.expandedChannels
        let dw = incremental.record.depthwise[b], side = EfficientNetLite0.inputSides[b + 1]
        let gradient = incremental.gradient!.depthwise[b]
        let delta = along(gradient, positions: [side * side / 2, side * side / 2 + 1], channels: e)
        func score(_ d: [Float]) -> Double {
            var out = [Float](repeating: 0, count: side * side * block.spec.outputChannels)
            let residual = incremental.record.blockInputs[b]
            d.withUnsafeBufferPointer { input in
                residual.withUnsafeBufferPointer { r in
                    out.withUnsafeMutableBufferPointer {
                        block.project.apply(input: input.baseAddress!, rows: side * side, output: $0.baseAddress!, residual: r.baseAddress!)
                    }
                }
            }
            return self.score(fromInputOf: b + 1, out)
        }
        let numeric = (score(zip(dw, delta).map { $0 + $1 }) - score(zip(dw, delta).map { $0 - $1 })) / 2
        XCTAssertGreaterThan(numeric, 1e-4)
        XCTAssertEqual(directional(gradient, delta), numeric, accuracy: 0.02 * numeric)
    }

    /// What the gradient is for: with a threshold, each window's score plus its
    /// correction lies closer to the exact score than the score alone.
    func testCorrectionsBringThresholdedScoresCloserToExact() {
        let gray = [Float](repeating: 0, count: Self.image.count)
        let patches = stride(from: 0, through: 192, by: 48).flatMap { y in
            stride(from: 0, through: 192, by: 48).map { x in GridBox(rows: y..<(y + 32), columns: x..<(x + 32)) }
        }
        let exact = Incremental(network: Self.network, image: Self.image, baseline: gray).embeddings(patches: patches, batchSize: 8)
        let approximate = Incremental(network: Self.network, image: Self.image, baseline: gray, changeThreshold: 0.3, score: Self.score)
            .embeddings(patches: patches, batchSize: 8)
        let corrections = try! XCTUnwrap(approximate.scoreCorrections)
        var plain = 0.0, corrected = 0.0
        for i in patches.indices {
            let truth = Self.score(exact.embeddings[i]), guess = Self.score(approximate.embeddings[i])
            plain += abs(guess - truth)
            corrected += abs(guess + corrections[i] - truth)
        }
        XCTAssertLessThan(corrected, 0.5 * plain, "mean error \(corrected / Double(patches.count)) against \(plain / Double(patches.count)) uncorrected")
    }
}
