import FocalDatasets
import FocalFiles
import FocalImages
import FocalTestSupport
import Foundation
import XCTest

final class ManifestTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = try temporaryFolder("manifest")
        try FileManager.default.createDirectory(atPath: folder + "/img", withIntermediateDirectories: true)
        // Three small images of known size: 64x48 PNGs.
        for name in ["a", "b", "c"] {
            let image = RGBImage(width: 64, height: 48, color: (UInt8(name.utf8.first!), 10, 20))
            try AtomicFile.write(ImageEncoder.png(image), to: folder + "/img/\(name).png")
        }
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try AtomicFile.write(text, to: path)
        return path
    }

    func testReadsEveryFieldAndKeepsExtraColumns() throws {
        let path = try write("m.csv", """
            image,positives,negatives,split,regions,note
            img/a.png,bouquet|veil,greenery,train,"veil@1,2,30,40|bouquet@10,10,5,5","has, comma"
            img/b.png,,bouquet,test,,
            img/c.png,greenery,,,,x

            """)
        let dataset = try Dataset.open(path)
        // img/c.png has no split, so only img/a.png trains, and it is negative for greenery.
        XCTAssertEqual(dataset.issues.map(\.description), ["\(path): concept 'greenery' has no positives to train on"])
        XCTAssertEqual(dataset.samples.count, 3)
        let a = dataset.samples[0]
        XCTAssertEqual(a.image, "img/a.png")
        XCTAssertEqual(a.path, folder + "/img/a.png")
        XCTAssertEqual(a.positives, ["bouquet", "veil"])
        XCTAssertEqual(a.negatives, ["greenery"])
        XCTAssertEqual(a.split, .train)
        XCTAssertEqual(a.regions, [Region(concept: "veil", x: 1, y: 2, width: 30, height: 40),
                                   Region(concept: "bouquet", x: 10, y: 10, width: 5, height: 5)])
        XCTAssertEqual(a.extra, ["note": "has, comma"])
        XCTAssertEqual(a.label("bouquet"), true)
        XCTAssertEqual(a.label("greenery"), false)
        XCTAssertNil(a.label("flowers"))
        XCTAssertEqual(dataset.samples[1].split, .test)
        XCTAssertNil(dataset.samples[2].split)
        XCTAssertEqual(dataset.concepts, ["bouquet", "greenery", "veil"])
        XCTAssertEqual(dataset.trainingSamples.map(\.image), ["img/a.png"])
    }

    func testBadRowsAreReportedByLineAndTheRestIsUsed() throws {
        let path = try write("m.csv", """
            image,positives,negatives,split,regoins,regions
            img/a.png,bouquet,,train,,"bouquet@60,40,10,10"
            img/missing.png,bouquet,,train,,
            img/a.png,bouquet,,train,,
            img/b.png,veil,veil|greenery,train,,
            img/c.png,bouquet,,validation,,bouquet@nope
            """)
        let dataset = try Dataset.open(path)
        XCTAssertEqual(dataset.samples.map(\.image), ["img/a.png", "img/b.png", "img/c.png"])
        let messages = dataset.issues.map(\.description)
        func has(_ line: Int, _ text: String) {
            XCTAssertTrue(messages.contains { $0.hasPrefix("\(path):\(line): ") && $0.contains(text) },
                          "expected line \(line) to mention '\(text)' in \(messages)")
        }
        has(1, "unknown column 'regoins' (did you mean 'regions'?)")
        has(2, "region bouquet@60,40,10,10 lies outside the 64x48 image")
        has(3, "image img/missing.png not found")
        has(4, "duplicate of line 2")
        has(5, "veil both positive and negative")
        has(6, "unknown split 'validation'")
        has(6, "malformed region 'bouquet@nope'")
        XCTAssertTrue(messages.contains("\(path): concept 'greenery' has no positives to train on"), "\(messages)")
        XCTAssertEqual(dataset.samples[0].regions, [])
        XCTAssertEqual(dataset.samples[1].positives, [])
    }

    func testJSONLinesMatchesCSV() throws {
        let csv = try write("m.csv", """
            image,positives,negatives,split,regions
            img/a.png,bouquet|veil,greenery,train,"veil@1,2,30,40"
            img/b.png,,bouquet,test,
            """)
        let jsonl = try write("m.jsonl", """
            {"image": "img/a.png", "positives": ["bouquet", "veil"], "negatives": ["greenery"], "split": "train", "regions": [{"concept": "veil", "box": [1, 2, 30, 40]}]}
            {"image": "img/b.png", "positives": [], "negatives": "bouquet", "split": "test", "regions": []}
            """)
        let a = try Dataset.open(csv), b = try Dataset.open(jsonl)
        // Same samples; only the line numbers differ (JSON Lines has no header line).
        XCTAssertEqual(a.samples.map { var s = $0; s.line -= 1; return s }, b.samples)
        XCTAssertEqual(b.issues.map(\.message), a.issues.map(\.message))
        XCTAssertEqual(b.issues.map(\.message), ["concept 'greenery' has no positives to train on"])
    }

    func testWrittenManifestReadsBackTheSame() throws {
        let path = try write("m.csv", """
            image,positives,negatives,split,regions,note
            img/a.png,bouquet|veil,greenery,train,"veil@1,2,30,40","quote "" and, comma"
            img/b.png,,bouquet,pool,,
            """)
        let dataset = try Dataset.open(path)
        try FileManager.default.createDirectory(atPath: folder + "/rev2", withIntermediateDirectories: true)
        try dataset.write(to: folder + "/rev2/m.csv")
        let again = try Dataset.open(folder + "/rev2/m.csv")
        XCTAssertEqual(again.samples.map(\.path).map { URL(fileURLWithPath: $0).standardized.path },
                       dataset.samples.map(\.path))
        XCTAssertEqual(again.samples.map(\.image), ["../img/a.png", "../img/b.png"])
        XCTAssertEqual(again.samples.map(\.positives), dataset.samples.map(\.positives))
        XCTAssertEqual(again.samples.map(\.extra), dataset.samples.map(\.extra))
        XCTAssertEqual(again.extraColumns, ["note"])
    }

    func testUnquotedRegionsGetAHint() throws {
        let path = try write("m.csv", "image,positives,negatives,split,regions\nimg/a.png,veil,,train,veil@1,2,30,40\n")
        let dataset = try Dataset.open(path)
        XCTAssertTrue(dataset.issues.contains { $0.line == 2 && $0.message.contains("must be in double quotes") },
                      "\(dataset.issues)")
    }

    func testFolderPerConcept() throws {
        let root = folder + "/folders"
        for (dir, name) in [("bouquet", "a"), ("not-bouquet", "b"), ("veil", "c")] {
            try FileManager.default.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: folder + "/img/\(name).png", toPath: root + "/\(dir)/\(name).png")
        }
        let dataset = try Dataset.open(root)
        XCTAssertEqual(dataset.samples.map(\.image), ["bouquet/a.png", "not-bouquet/b.png", "veil/c.png"])
        XCTAssertEqual(dataset.samples.map(\.positives), [["bouquet"], [], ["veil"]])
        XCTAssertEqual(dataset.samples.map(\.negatives), [["veil"], ["bouquet"], ["bouquet"]])
    }

    func testRevisionIdentityFollowsRowsAndImageBytes() throws {
        let text = "image,positives,negatives,split,regions\nimg/a.png,bouquet,,train,\nimg/b.png,,bouquet,train,\n"
        let dataset = try Dataset.open(try write("m.csv", text))
        var hashes = try Dictionary(uniqueKeysWithValues: dataset.samples.map { ($0.path, try ContentHash.sha256(path: $0.path)) })
        let base = dataset.revision(imageHashes: hashes)
        XCTAssertEqual(base.count, 64)
        // Same rows in another file: same revision.
        XCTAssertEqual(try Dataset.open(try write("copy.csv", text)).revision(imageHashes: hashes), base)
        // A relabelled row changes it.
        let relabelled = try Dataset.open(try write("r.csv", text.replacingOccurrences(of: "img/b.png,,bouquet", with: "img/b.png,bouquet,")))
        XCTAssertNotEqual(relabelled.revision(imageHashes: hashes), base)
        // New image bytes change it.
        hashes[folder + "/img/a.png"] = String(repeating: "0", count: 64)
        XCTAssertNotEqual(dataset.revision(imageHashes: hashes), base)
    }

    func testContentHashIsSHA256() throws {
        // FIPS 180-2 test vector: SHA-256("abc").
        XCTAssertEqual(ContentHash.sha256(Array("abc".utf8)),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
