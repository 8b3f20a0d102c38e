import FocalFiles
import FocalTestSupport
import Foundation
import XCTest

/// Each case of the reliability issue, tried as a user would: the command
/// runs as a process and must end with one clear line and an exit code below
/// 128 (no trap), naming the file and the fault.
final class BadInputTests: XCTestCase {
    static let repo = Repository.root.path
    static let photo = repo + "/datasets/photos/chair.jpg"
    var folder = ""
    var store: String { folder + "/store.sqlite" }

    override func setUpWithError() throws { folder = try temporaryFolder("bad-input") }

    /// A float32 .npy of `rows`×`columns` (deterministic values, `poison` put at one cell).
    func writeFeatures(_ name: String, rows: Int = 40, columns: Int = 1280, poison: (Int, Int, Float)? = nil) throws {
        let writer = try NumPyMatrixWriter(path: folder + "/" + name, columns: columns)
        var random = KnuthLCG(seed: 12345)
        for i in 0..<rows {
            var row = [Float](repeating: 0, count: columns)
            for j in 0..<columns {
                row[j] = Float(Int(random.next() >> 40) % 2000) / 1000 - 1
            }
            row[0] += i % 2 == 0 ? 2 : -2
            if let (r, c, v) = poison, r == i { row[c] = v }
            try writer.append(row: row)
        }
        try writer.finish()
        let labels = "positives,negatives\n" + (0..<rows).map { $0 % 2 == 0 ? "a," : ",a" }.joined(separator: "\n") + "\n"
        try labels.write(toFile: folder + "/labels.csv", atomically: true, encoding: .utf8)
    }

    func trainModel() throws -> String {
        try writeFeatures("x.npy")
        let run = try runFocal(["train", "--features", folder + "/x.npy", "--labels", folder + "/labels.csv", "--c", "1",
                                "--out", folder + "/m.focal"], store: store)
        XCTAssertEqual(run.status, 0, run.stderr)
        return folder + "/m.focal"
    }

    func assertOneLineError(_ run: FocalRun, mentions parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(run.status, 0, "expected a failure", file: file, line: line)
        XCTAssertLessThan(run.status, 128, "crashed: \(run.stderr)", file: file, line: line)
        let lines = run.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, run.stderr, file: file, line: line)
        for part in parts { XCTAssertTrue(run.stderr.contains(part), "'\(part)' not in: \(run.stderr)", file: file, line: line) }
    }

    func testExplainOnAOneLetterRelativeFolderDoesNotCrash() throws {
        let model = try trainModel()
        try FileManager.default.createDirectory(atPath: folder + "/q", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.photo, toPath: folder + "/q/i.jpg")
        for (path, directory) in [("q/i.jpg", folder), ("./q/i.jpg", folder), ("./i.jpg", folder + "/q"), ("i.jpg", folder + "/q")] {
            let run = try runFocal(["explain", "--model", model, "--concept", "a", "--method", "map", "--scales", "224", path],
                                   store: store, in: directory)
            XCTAssertEqual(run.status, 0, "\(path): \(run.stderr)")
            XCTAssertTrue(run.stdout.contains(path + ": a "), run.stdout)
        }
    }

    func testModelsWhoseArraysDisagreeAreRefusedByEveryLoader() throws {
        let model = try trainModel()
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as! [String: Any]
        func variant(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> String {
            var m = original
            change(&m)
            let path = folder + "/" + name + ".focal"
            try JSONSerialization.data(withJSONObject: m).write(to: URL(fileURLWithPath: path))
            return path
        }
        let cases: [(String, [String])] = [
            (try variant("extra-concept") { $0["concepts"] = ["a", "b"] }, ["weight rows for 2 concepts"]),
            (try variant("short-row") { m in
                var w = m["weights"] as! [[Double]]; w[0] = Array(w[0].prefix(10)); m["weights"] = w }, ["has 10 values for 1280 features"]),
            (try variant("zero-scale") { m in
                var s = m["standardization"] as! [String: Any]; var scale = s["scale"] as! [Double]; scale[3] = 0
                s["scale"] = scale; m["standardization"] = s }, ["scale 3 is 0.0"]),
            (try variant("nan-threshold") { $0["thresholds"] = ["nan"] }, ["threshold of a is nan"]),
            (try variant("no-weights") { $0.removeValue(forKey: "weights") }, ["missing 'weights'"]),
        ]
        for (path, parts) in cases {
            for command in [["predict", "--model", path, Self.photo], ["explain", "--model", path, Self.photo],
                            ["regions", "--model", path, Self.photo, "--out", folder + "/r.csv"]] {
                assertOneLineError(try runFocal(command, store: store), mentions: [path] + parts)
            }
        }
        try "{".write(toFile: folder + "/broken.focal", atomically: true, encoding: .utf8)
        assertOneLineError(try runFocal(["predict", "--model", folder + "/broken.focal", Self.photo], store: store),
                           mentions: ["broken.focal", "not JSON"])
    }

    func testExplainOutNeverWritesOutsideItsFolder() throws {
        let model = try trainModel()
        var m = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as! [String: Any]
        m["concepts"] = ["/../../../escaped"]
        let hostile = folder + "/hostile.focal"
        try JSONSerialization.data(withJSONObject: m).write(to: URL(fileURLWithPath: hostile))
        let out = folder + "/a/b/c/out"
        let run = try runFocal(["explain", "--model", hostile, "--concept", "/../../../escaped", "--scales", "224",
                                Self.photo, "--out", out], store: store)
        XCTAssertEqual(run.status, 0, run.stderr)
        let everything = FileManager.default.enumerator(atPath: folder)!.compactMap { $0 as? String }
        let written = everything.filter { $0.hasSuffix(".png") || $0.hasSuffix(".json") }
        XCTAssertEqual(written.count, 2, "\(written)")
        XCTAssertTrue(written.allSatisfy { $0.hasPrefix("a/b/c/out/") && !$0.dropFirst(10).contains("/") }, "\(written)")
    }

    func testNonFiniteFeaturesAreRefusedNamingTheCell() throws {
        for (name, value) in [("nan.npy", Float.nan), ("inf.npy", Float.infinity)] {
            try writeFeatures(name, poison: (3, 5, value))
            let run = try runFocal(["train", "--features", folder + "/" + name, "--labels", folder + "/labels.csv", "--c", "1",
                                    "--out", folder + "/n.focal"], store: store)
            assertOneLineError(run, mentions: [name, "row 4, column 6"])
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/n.focal"))
        }
    }

    func testManifestFaultsAreNamed() throws {
        try FileManager.default.copyItem(atPath: Self.photo, toPath: folder + "/one.jpg")
        try FileManager.default.copyItem(atPath: BadInputTests.repo + "/datasets/photos/cup.jpg", toPath: folder + "/two.jpg")
        let cases: [(String, String, [String])] = [
            ("nopos.csv", "image,negatives\none.jpg,a\ntwo.jpg,a\n", ["no 'positives' column"]),
            ("empty.csv", "", ["empty: no header row"]),
        ]
        for (name, text, parts) in cases {
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
            let run = try runFocal(["train", folder + "/" + name, "--out", folder + "/m.focal"], store: store)
            XCTAssertLessThan(run.status, 128)
            XCTAssertNotEqual(run.status, 0)
            for part in parts { XCTAssertTrue(run.stderr.contains(part), run.stderr) }
            XCTAssertFalse(run.stderr.contains("cannotReadHeaderRow"), run.stderr)
        }
        // Positives and no negatives: said, not dropped silently.
        try "image,positives,negatives\none.jpg,a|b,\ntwo.jpg,b,a\n".write(toFile: folder + "/only.csv", atomically: true, encoding: .utf8)
        let onlyPositives = try runFocal(["check", folder + "/only.csv"], store: store)
        let train = try runFocal(["train", folder + "/only.csv", "--out", folder + "/m.focal", "--c", "1", "--folds", "2"], store: store)
        XCTAssertLessThan(onlyPositives.status, 128)
        XCTAssertTrue(train.stderr.contains("concept 'b' has 2 positives and no negatives, so it is not trained"), train.stderr)
        // JSON Lines values of the wrong type are named by line and key.
        try """
            {"image": "one.jpg", "positives": ["a"], "negatives": 5}
            {"image": "two.jpg", "positives": "b", "negatives": {"x": 1}, "regions": [{"concept": "a"}]}

            """.write(toFile: folder + "/types.jsonl", atomically: true, encoding: .utf8)
        let check = try runFocal(["check", folder + "/types.jsonl"], store: store)
        XCTAssertTrue(check.stderr.contains("types.jsonl:1: 'negatives' is a number"), check.stderr)
        XCTAssertTrue(check.stderr.contains("types.jsonl:2: 'negatives' is an object"), check.stderr)
        XCTAssertTrue(check.stderr.contains("types.jsonl:2: 'regions' holds an entry"), check.stderr)
        XCTAssertFalse(check.stdout.contains("'5'") || check.stderr.contains("'5'"), check.stdout)
    }

    func testADamagedStoreIsMovedAsideAndRebuilt() throws {
        try FileManager.default.copyItem(atPath: Self.photo, toPath: folder + "/one.jpg")
        var garbage = Data("SQLite format 3\u{0}".utf8)
        garbage += Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        try garbage.write(to: URL(fileURLWithPath: store))
        let run = try runFocal(["embed", folder + "/one.jpg", "--out", folder + "/e.npy"], store: store)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("the embedding store is damaged") && run.stderr.contains("moved aside"), run.stderr)
        let aside = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("store.sqlite.damaged-") }
        XCTAssertEqual(aside.count, 1)
        let again = try runFocal(["embed", folder + "/one.jpg", "--out", folder + "/e.npy", "--json"], store: store)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("\"cached\" : 1") || again.stdout.contains("\"cached\":1"), again.stdout)
    }

    func testEvaluateWithoutPositivesSaysNaN() throws {
        let model = try trainModel()
        try FileManager.default.copyItem(atPath: Self.photo, toPath: folder + "/one.jpg")
        try FileManager.default.copyItem(atPath: BadInputTests.repo + "/datasets/photos/cup.jpg", toPath: folder + "/two.jpg")
        try "image,positives,negatives\none.jpg,,a\ntwo.jpg,,a\n".write(toFile: folder + "/neg.csv", atomically: true, encoding: .utf8)
        // The model was trained on random features, not this backbone's: evaluate refuses nothing about that, it scores.
        let run = try runFocal(["evaluate", "--model", model, folder + "/neg.csv", "--json"], store: store)
        XCTAssertLessThan(run.status, 128, run.stderr)
        guard run.status == 0 else { return XCTFail(run.stderr) }
        let report = try jsonObject(run.stdout)
        let concept = (report["concepts"] as! [[String: Any]])[0]
        for key in ["recall", "f1"] {
            let interval = concept[key] as! [String: Any]
            XCTAssertEqual(interval["estimate"] as? String, "nan", "\(key): \(interval)")
        }
        // The text says so too: an undefined metric is "—", never 0.
        let text = try runFocal(["evaluate", "--model", model, folder + "/neg.csv"], store: store)
        XCTAssertEqual(text.status, 0, text.stderr)
        let line = try XCTUnwrap(text.stdout.split(separator: "\n").first { $0.contains("recall") }, text.stdout)
        XCTAssertTrue(line.contains("recall — [—, —]  F1 — [—, —]"), String(line))
    }
}

final class StaleTemporaryFileTests: XCTestCase {
    func testAKilledWritersTemporaryFileIsRemovedByTheNextWriteInItsFolder() throws {
        let folder = try temporaryFolder("stale")
        // A child that exits at once: its pid is certainly gone afterwards.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier
        let host = AtomicFile.host
        let stale = folder + "/.x.npy.\(host).\(dead).12345.tmp"
        let live = folder + "/.y.npy.\(host).\(getppid()).6789.tmp"
        let other = folder + "/.notes.tmp"
        // A writer on another machine sharing the folder: its pid means nothing here.
        let elsewhere = folder + "/.z.npy.\(host)x.\(dead).4321.tmp"
        for path in [stale, live, other, elsewhere] { FileManager.default.createFile(atPath: path, contents: Data([1])) }
        try AtomicFile.write("hello", to: folder + "/x.npy")
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live), "a live process's file is left alone")
        XCTAssertTrue(FileManager.default.fileExists(atPath: other), "names this writer did not make are left alone")
        XCTAssertTrue(FileManager.default.fileExists(atPath: elsewhere), "another machine's file is left alone")
        XCTAssertTrue(AtomicFile.temporaryName(for: "x.npy", pid: 7).hasPrefix(".x.npy.\(host).7."))
    }
}

final class FolderWalkTests: XCTestCase {
    func testAFolderThatCannotBeListedIsReportedAndTheRestWalked() throws {
        let folder = NSTemporaryDirectory() + "focal-walk-\(UUID().uuidString)"
        for sub in ["a", "b"] { try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true) }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["a/1.jpg", "b/2.jpg", "3.png"] { FileManager.default.createFile(atPath: folder + "/" + name, contents: Data()) }
        let (files, faults) = ImageFiles.collect([folder]) { path in
            if path.hasSuffix("/b") { throw CocoaError(.fileReadNoPermission) }
            return try FileManager.default.contentsOfDirectory(atPath: path)
        }
        XCTAssertEqual(files, [folder + "/3.png", folder + "/a/1.jpg"])
        XCTAssertEqual(faults.count, 1)
        XCTAssertEqual(faults.first?.path, folder + "/b")
        XCTAssertTrue(faults.first?.reason.contains("cannot list the folder") ?? false)
    }

    func testParentFolderOfOneCharacterPaths() {
        // Independent answers: POSIX dirname(1).
        for (path, parent) in [("q", "."), (".", "."), ("q/", "."), ("q/i.jpg", "q"), ("/q", "/"), ("/", "/"), ("a//b", "a"), ("./i.jpg", ".")] {
            XCTAssertEqual(FilePaths.parent(of: path), parent, path)
        }
    }

    func testFileNamesFromDataStayInTheirFolder() {
        XCTAssertEqual(FileName.safe("bouquet held"), "bouquet held")
        for hostile in ["/../../../escaped", "..", ".", "a/b", "", "x\u{0}y", String(repeating: "é", count: 300)] {
            let name = FileName.safe(hostile)
            XCTAssertFalse(name.contains("/") || name.hasPrefix(".") || name.isEmpty || name.utf8.count > FileName.maximumLength, name)
        }
        XCTAssertNotEqual(FileName.safe("a/b"), FileName.safe("a_b"))
    }
}
