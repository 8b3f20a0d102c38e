import FocalFiles
import FocalTestSupport
import Foundation
import XCTest

/// Runs the built `focal` executable as a person would.
final class CommandLineTests: XCTestCase {
    static let photos = Repository.dataset("photos")

    var folder = ""

    override func setUpWithError() throws { folder = try temporaryFolder("cli") }

    typealias Run = FocalRun

    func focal(_ arguments: [String]) throws -> Run {
        try runFocal(arguments, store: folder + "/store.sqlite")
    }

    func testClassifyNamesACatForTheCatPhoto() throws {
        let run = try focal(["classify", Self.photos + "/chelsea.png", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try jsonObject(run.stdout)
        XCTAssertEqual(object["image"] as? String, Self.photos + "/chelsea.png")
        let top = object["top"] as! [[String: Any]]
        XCTAssertEqual(top.count, 5)
        // ImageNet's domestic cats are classes 281-285 (tabby, tiger cat, Persian, Siamese, Egyptian).
        let indices = top.map { $0["index"] as! Int }
        XCTAssertTrue(indices.contains { (281...285).contains($0) }, "\(top)")
        XCTAssertTrue(top.map { $0["label"] as! String }.contains { $0.contains("cat") })
        let probabilities = top.map { $0["probability"] as! Double }
        XCTAssertEqual(probabilities, probabilities.sorted(by: >))
    }

    func testClassifyJsonLinesOnePerImageAndErrorsOnStderr() throws {
        let bad = folder + "/bad.jpg"
        try AtomicFile.write("this is text", to: bad)
        let run = try focal(["classify", Self.photos + "/coffee.png", bad, Self.photos + "/cup.jpg", "--json", "--top", "2"])
        XCTAssertEqual(run.status, 0)
        let lines = run.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        XCTAssertEqual((first["top"] as! [[String: Any]]).first?["label"] as? String, "espresso")
        XCTAssertEqual(run.stderr, bad + ": not a JPEG or PNG image\n")
    }

    func testEmbedSkipsBadFilesAndKeepsRowsAndPathsAligned() throws {
        let data = folder + "/data"
        try FileManager.default.createDirectory(atPath: data + "/sub", withIntermediateDirectories: true)
        for name in ["cup.jpg", "chelsea.png"] {
            try FileManager.default.copyItem(atPath: Self.photos + "/" + name, toPath: data + "/sub/" + name)
        }
        try FileManager.default.copyItem(atPath: Self.photos + "/spoons.jpg", toPath: data + "/spoons.jpg")
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: Self.photos + "/bucket.jpg"))
        try jpeg.prefix(jpeg.count / 2).write(to: URL(fileURLWithPath: data + "/truncated.jpg"))
        FileManager.default.createFile(atPath: data + "/empty.png", contents: Data())
        try AtomicFile.write("hello", to: data + "/text.png")

        let out = folder + "/emb.npy"
        let run = try focal(["embed", data, "--out", out, "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let summary = try jsonObject(run.stdout)
        XCTAssertEqual(summary["images"] as? Int, 3)
        XCTAssertEqual((summary["skipped"] as! [[String: String]]).map { $0["image"]! },
                       [data + "/empty.png", data + "/text.png", data + "/truncated.jpg"])
        let stderrLines = run.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(stderrLines.count, 3)
        XCTAssertTrue(stderrLines.contains(data + "/empty.png: empty file (0 bytes)"), run.stderr)
        XCTAssertTrue(stderrLines.contains { $0.hasPrefix(data + "/truncated.jpg: JPEG: ") }, run.stderr)

        let matrix = try NumPyMatrix(path: out)
        XCTAssertEqual(matrix.rows, 3)
        XCTAssertEqual(matrix.columns, 1280)
        let csv = try String(contentsOfFile: folder + "/emb.csv", encoding: .utf8)
        XCTAssertEqual(csv, "image\n\(data)/spoons.jpg\n\(data)/sub/chelsea.png\n\(data)/sub/cup.jpg\n")

        XCTAssertEqual(summary["computed"] as? Int, 3)

        // Row i belongs to path i: embedding each file alone (without the cache) gives the same row.
        let single = folder + "/one.npy"
        XCTAssertEqual(try focal(["embed", data + "/sub/chelsea.png", "--out", single, "--no-store"]).status, 0)
        let alone = try NumPyMatrix(path: single)
        let diff = zip(alone.row(0), matrix.row(1)).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(diff, 1e-5)
    }

    func testSecondEmbedComesFromTheCache() throws {
        let out = folder + "/a.npy"
        let first = try focal(["embed", Self.photos + "/cup.jpg", Self.photos + "/chair.jpg", "--out", out, "--json"])
        let second = try focal(["embed", Self.photos + "/chair.jpg", Self.photos + "/cup.jpg", "--out", folder + "/b.npy", "--json"])
        let a = try jsonObject(first.stdout)
        let b = try jsonObject(second.stdout)
        XCTAssertEqual(a["computed"] as? Int, 2)
        XCTAssertEqual(b["computed"] as? Int, 0)
        XCTAssertEqual(b["cached"] as? Int, 2)
        let ma = try NumPyMatrix(path: out), mb = try NumPyMatrix(path: folder + "/b.npy")
        XCTAssertEqual(Array(ma.row(0)), Array(mb.row(1)))
    }

    func testEmbedFailsWhenNothingIsReadableAndWritesNothing() throws {
        let bad = folder + "/bad.jpg"
        try AtomicFile.write("nope", to: bad)
        let out = folder + "/e.npy"
        try AtomicFile.write("previous", to: out)
        let run = try focal(["embed", bad, "--out", out])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains(bad + ": not a JPEG or PNG image"))
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "previous")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/e.csv"))
    }

    func testBadWeightsFileIsAOneLineError() throws {
        let weights = folder + "/w.safetensors"
        try AtomicFile.write([8, 0, 0, 0, 0, 0, 0, 0] + Array("{\"a\":1}".utf8), to: weights)
        let run = try focal(["classify", Self.photos + "/cup.jpg", "--weights", weights])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains(weights + ": "), run.stderr)
    }
}
