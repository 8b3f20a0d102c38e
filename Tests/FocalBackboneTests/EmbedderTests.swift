@testable import FocalBackbone
import FocalImages
import XCTest

/// The embedder's batching: whole images and crops alike are jobs of one or
/// more network inputs, and each job gets back its own inputs' embeddings,
/// whatever batch it shares and whichever job beside it fails.
final class EmbedderTests: XCTestCase {
    func testBatchesHoldAtMostTheLimitUnlessOneJobIsLarger() {
        XCTAssertEqual(Embedder.batches([1, 1, 1], limit: 2), [[0, 1], [2]])
        XCTAssertEqual(Embedder.batches([3, 1, 5, 1, 1], limit: 4), [[0, 1], [2], [3, 4]])
        XCTAssertEqual(Embedder.batches([4, 4], limit: 4), [[0], [1]])
        XCTAssertEqual(Embedder.batches([], limit: 4), [])
        // At least two jobs per batch (two workers), even past the limit.
        XCTAssertEqual(Embedder.batches([3, 3, 3], limit: 4, minimumJobs: 2), [[0, 1], [2]])
        XCTAssertEqual(Embedder.batches([1, 1, 5, 1], limit: 4, minimumJobs: 2), [[0, 1], [2, 3]])
    }

    /// A smooth test input whose content depends on `seed`, already normalised.
    static func input(seed: Int) -> [Float] {
        let side = Architecture.inputSize
        return (0..<(side * side * 3)).map { i in
            let x = (i / 3) % side, y = i / 3 / side, c = i % 3
            return Float(sin(Double(x * (seed + 1)) / 17 + Double(y * (c + 2)) / 23 + Double(seed)))
        }
    }

    func testEachJobGetsItsOwnInputsEmbeddingsAndAFailureStaysWithItsJob() throws {
        let backbone = ReferenceVectorTests.backbone
        let pixels = Architecture.inputSize * Architecture.inputSize * 3
        // Inputs 1 (failing), 3 and 2 with a limit of 4: batches [a, b] and [c];
        // b's three inputs are moved down one slot, over the failed one's.
        let counts = [1, 3, 2]
        let jobs = counts.enumerated().map { j, n in
            EmbeddingJob(path: "job\(j)", inputs: n) { into in
                if j == 0 { throw ImageError(.corrupt, "refused") }
                for k in 0..<n { into.advanced(by: k * pixels).update(from: Self.input(seed: 10 * j + k), count: pixels) }
            }
        }
        var outcomes: [Embedder.JobOutcome] = []
        try Embedder(backbone: backbone, batchSize: 4).embed(jobs: jobs) { outcomes.append($0) }

        XCTAssertEqual(outcomes.map(\.index), [0, 1, 2])
        XCTAssertEqual(outcomes.map(\.path), ["job0", "job1", "job2"])
        guard case .failure(let error) = outcomes[0].result else { return XCTFail("job 0 should fail") }
        XCTAssertEqual(error.path, "job0", "the failure names its file")
        for j in [1, 2] {
            let made = try outcomes[j].result.get()
            XCTAssertEqual(made.count, counts[j])
            // The reference: each input alone through the network.
            for k in 0..<counts[j] {
                let alone = backbone.network.embed([Self.input(seed: 10 * j + k)])[0]
                let worst = zip(made[k], alone).map { abs($0 - $1) }.max()!
                XCTAssertLessThanOrEqual(worst, 1e-5, "job \(j) input \(k)")
            }
        }
    }
}
