import FocalBackbone
import FocalDatasets
import FocalFiles
import FocalTestSupport
import Foundation
import XCTest

final class EmbeddingStoreTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws { folder = try temporaryFolder("store") }

    func testStoredVectorsComeBackExactlyAndPerBackbone() throws {
        let store = try EmbeddingStore(path: folder + "/s.sqlite")
        try store.store([("h1", [1, 2, 3]), ("h2", [-1.5, 0, .pi])], backbone: "A")
        try store.store([("h1", [9, 9, 9])], backbone: "B")
        let found = try store.embeddings(for: ["h1", "h2", "h3"], backbone: "A")
        XCTAssertEqual(found, ["h1": [1, 2, 3], "h2": [-1.5, 0, .pi]])
        XCTAssertEqual(try store.embeddings(for: ["h1"], backbone: "B"), ["h1": [9, 9, 9]])
        // Reopening finds the same rows.
        XCTAssertEqual(try EmbeddingStore(path: folder + "/s.sqlite").count(backbone: "A"), 2)
    }

    /// A writer killed mid-run keeps every batch it committed, and the database opens cleanly.
    func testKilledWriterKeepsCommittedBatches() throws {
        let path = folder + "/killed.sqlite"
        let child = fork()
        if child == 0 {
            // Child: commit batches of 10 forever until killed.
            let store = try! EmbeddingStore(path: path)
            var n = 0
            while true {
                try! store.store((0..<10).map { ("k\(n + $0)", [Float](repeating: Float(n + $0), count: 1280)) }, backbone: "X")
                n += 10
            }
        }
        // Parent: wait until some batches are in, then kill the child mid-write.
        let reader = try EmbeddingStore(path: path)
        let deadline = Date().addingTimeInterval(20)
        while (try? reader.count(backbone: "X")) ?? 0 < 200 && Date() < deadline { usleep(10_000) }
        kill(child, SIGKILL)
        var status: Int32 = 0
        waitpid(child, &status, 0)
        let store = try EmbeddingStore(path: path)
        let count = try store.count(backbone: "X")
        XCTAssertGreaterThanOrEqual(count, 200)
        XCTAssertEqual(count % 10, 0, "a batch is all or nothing")
        let keys = (0..<count).map { "k\($0)" }
        let found = try store.embeddings(for: keys, backbone: "X")
        XCTAssertEqual(found.count, count)
        XCTAssertEqual(found["k\(count - 1)"]?.first, Float(count - 1))
    }

    func testSecondRunHitsTheCache() throws {
        let photos = Repository.dataset("photos")
        let paths = ["cup.jpg", "spoons.jpg", "chair.jpg"].map { photos + "/" + $0 }
        let copy = folder + "/cup-copy.jpg"
        try FileManager.default.copyItem(atPath: paths[0], toPath: copy)
        let bad = folder + "/bad.jpg"
        try AtomicFile.write("nope", to: bad)
        let backbone = try Backbone.load()
        let store = try EmbeddingStore(path: folder + "/cache.sqlite")
        let featurizer = Featurizer(backbone: backbone, store: store)

        let first = try featurizer.embed(paths: paths + [copy, bad])
        XCTAssertEqual(first.computed, 3, "the copy has the same bytes as cup.jpg: embedded once")
        XCTAssertThrowsError(try first.embeddings[4].get())
        XCTAssertEqual(try first.embeddings[3].get(), try first.embeddings[0].get())

        let second = try featurizer.embed(paths: paths)
        XCTAssertEqual(second.computed, 0)
        for i in 0..<3 { XCTAssertEqual(try second.embeddings[i].get(), try first.embeddings[i].get()) }
        // And the cached vector is what the network computes now.
        let direct = backbone.network.embed([Preprocessing.normalize(try Preprocessing().networkImage(path: paths[1]))])[0]
        // (The store's were computed in a batch, this one alone: equal to float rounding, see ReferenceVectorTests.)
        let cached = try second.embeddings[1].get()
        XCTAssertLessThanOrEqual(zip(cached, direct).map { abs($0 - $1) / (1 + abs($1)) }.max()!, 1e-5)
    }
}
