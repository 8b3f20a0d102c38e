import FocalDatasets
import FocalFiles
import FocalTestSupport
import FocalTraining
import Foundation
import XCTest

/// SIGKILL at several moments of the commands that write files: afterwards the
/// file each one writes is the old one or the complete new one, never a torn
/// mix; the embedding store passes SQLite's integrity check and keeps what was
/// committed; and the next run removes the temporary files the killed one left.
final class CrashSafetyTests: XCTestCase {
    static let wedding = Repository.dataset("wedding")
    static let store = NSTemporaryDirectory() + "focal-tests-\(getpid()).sqlite"
    let folder = NSTemporaryDirectory() + "focal-crash-\(UUID().uuidString)"

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Runs `focal` and sends SIGKILL after `seconds`; true when it was killed (it had not finished).
    func killed(_ arguments: [String], store: String, after seconds: Double) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("focal")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["FOCAL_STORE"] = store
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(2000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }

    /// Seconds a complete run takes (and it must succeed).
    func timed(_ arguments: [String], store: String = CrashSafetyTests.store) throws -> Double {
        let start = Date()
        let run = try runFocal(arguments, store: store)
        XCTAssertEqual(run.status, 0, "\(arguments.first ?? ""): \(run.stderr)")
        return Date().timeIntervalSince(start)
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    func temporaryFiles(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(".") && $0.hasSuffix(".tmp") }
    }

    /// Kills `arguments` at `fractions` of a complete run's time; after each kill
    /// `check` sees the written file, which must be the old bytes or a whole new file.
    func killRepeatedly(_ arguments: [String], writes path: String, fractions: [Double], whole: (Data) -> Bool) throws {
        let old = try XCTUnwrap(bytes(path), "the first run wrote \(path)")
        let duration = try timed(arguments)
        let fresh = try XCTUnwrap(bytes(path))
        XCTAssertNotEqual(fresh, old, "the second run must write other bytes, so that a torn file would show")
        XCTAssertTrue(whole(fresh))
        var landed = 0
        for fraction in fractions {
            let wasKilled = try killed(arguments, store: Self.store, after: duration * fraction)
            if wasKilled { landed += 1 }
            let now = try XCTUnwrap(bytes(path), "\(path) is gone after a kill at \(fraction)")
            XCTAssertTrue(now == fresh || whole(now), "\(path) torn by a kill at \(fraction) of the run (killed: \(wasKilled))")
        }
        XCTAssertGreaterThan(landed, 0, "every run finished before its kill: nothing was tested")
        // The next complete run leaves no temporary file behind, the killed runs' included.
        _ = try timed(arguments)
        XCTAssertEqual(temporaryFiles(in: (path as NSString).deletingLastPathComponent), [])
    }

    func testTrainKilledLeavesTheOldModelOrTheNewOne() throws {
        let model = folder + "/bouquet.focal"
        _ = try timed(["train", Self.wedding, "--out", model, "--concept", "bouquet", "--c", "0.1"])
        try killRepeatedly(["train", Self.wedding, "--out", model, "--concept", "bouquet", "--c", "1"], writes: model,
                           fractions: [0.3, 0.6, 0.9, 0.97]) { data in
            let path = folder + "/check.focal"
            FileManager.default.createFile(atPath: path, contents: data)
            return (try? HeadModel.read(from: path)) != nil
        }
    }

    func testEvaluateReportKilledLeavesAWholePage() throws {
        let model = folder + "/bouquet.focal"
        _ = try timed(["train", Self.wedding, "--out", model, "--concept", "bouquet", "--c", "1"])
        let report = folder + "/report"
        // The first page is of another model, so the pages differ.
        let other = folder + "/other.focal"
        _ = try timed(["train", Self.wedding, "--out", other, "--concept", "bouquet", "--c", "0.01"])
        _ = try timed(["evaluate", "--model", other, Self.wedding, "--report", report])
        try killRepeatedly(["evaluate", "--model", model, Self.wedding, "--report", report], writes: report + "/index.html",
                           fractions: [0.5, 0.9, 0.97]) { data in
            String(decoding: data, as: UTF8.self).contains("</html>")
        }
    }

    func testAdviseWriteKilledLeavesTheOldRevisionOrTheNewOne() throws {
        let model = folder + "/bouquet.focal"
        _ = try timed(["train", Self.wedding, "--out", model, "--concept", "bouquet", "--c", "1"])
        let revision = folder + "/revision-2.csv"
        try Data("image,positives\nplaceholder.jpg,bouquet\n".utf8).write(to: URL(fileURLWithPath: revision))
        let arguments = ["advise", "--model", model, "--data", Self.wedding, "--image", Self.wedding + "/images/test/000055.jpg",
                         "--pool", Self.wedding + "/images/pool", "--write", revision]
        try killRepeatedly(arguments, writes: revision, fractions: [0.5, 0.8, 0.95]) { data in
            // A whole revision: the header and every training row of the shipped manifest that was kept, ending in a newline.
            let text = String(decoding: data, as: UTF8.self)
            return text.hasPrefix("image,") && text.hasSuffix("\n") && text.split(separator: "\n").count > 300
        }
    }

    /// Embedding 400 images into a new store, killed part way: the store is
    /// sound and keeps what it committed, the old matrix is untouched, and the
    /// next run computes only what is missing.
    func testEmbedKilledKeepsTheStoreSoundAndResumes() throws {
        let store = folder + "/store.sqlite"
        let out = folder + "/features.npy"
        let test = Self.wedding + "/images/test"
        _ = try timed(["embed", test, "--out", out], store: store)
        let old = try XCTUnwrap(bytes(out))
        let train = Self.wedding + "/images/train"
        // Killed once it has committed its first batch, whatever this machine's speed.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("focal")
        process.arguments = ["embed", train, "--out", out]
        process.environment = ProcessInfo.processInfo.environment.merging(["FOCAL_STORE": store]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let before = try EmbeddingStore.rowCount(path: store)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline && ((try? EmbeddingStore.rowCount(path: store)) ?? before) == before { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the run ended before the kill")
        XCTAssertEqual(bytes(out), old, "the old matrix changed")
        XCTAssertEqual(try EmbeddingStore.integrityCheck(path: store), "ok")
        let resumed = try runFocal(["embed", train, "--out", out, "--json"], store: store)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(resumed.stdout.utf8)) as? [String: Any])
        let cached = try XCTUnwrap(summary["cached"] as? Int), computed = try XCTUnwrap(summary["computed"] as? Int)
        print("embed killed after its first commit: the next run found \(cached) of 400 in the store and computed \(computed)")
        XCTAssertEqual(cached + computed, 400)
        XCTAssertGreaterThan(cached, 0, "nothing the killed run committed was kept")
        XCTAssertGreaterThan(computed, 0)
        XCTAssertEqual(try EmbeddingStore.integrityCheck(path: store), "ok")
        XCTAssertEqual(temporaryFiles(in: folder), [])
        XCTAssertEqual(try NumPyMatrix(path: out).rows, 400)
    }
}
