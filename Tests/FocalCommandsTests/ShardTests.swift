import FocalDatasets
import FocalTestSupport
import Foundation
import XCTest

/// Embedding past one machine: `focal embed --shard K/N` in N processes, each
/// into its own store, then `focal store merge`.
final class ShardTests: XCTestCase {
    static let images = Repository.dataset("wedding") + "/images/test"
    let folder = NSTemporaryDirectory() + "focal-shards-\(UUID().uuidString)"

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func focalProcess(_ arguments: [String], store: String, environment extra: [String: String] = [:]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("focal")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for name in Shard.indexVariables { environment[name] = nil }
        environment["FOCAL_STORE"] = store
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return process
    }

    /// The image paths of an embed run's CSV.
    func listed(_ npy: String) throws -> [String] {
        try String(contentsOfFile: String(npy.dropLast(4)) + ".csv", encoding: .utf8).split(separator: "\n").dropFirst().map(String.init)
    }

    func backboneKey(of store: String) throws -> String {
        let key = try XCTUnwrap(try EmbeddingStore.merge([store], into: folder + "/probe-\(UUID().uuidString).sqlite").backbone)
        return key
    }

    /// Three shards run at once, merged, hold exactly the rows an unsharded
    /// run computes, bit for bit; the shares are disjoint and cover every image.
    func testShardsRunInParallelAndMergeToTheUnshardedStore() throws {
        let shards = (0..<3).map { k in focalProcess(["embed", Self.images, "--shard", "\(k)/3", "--out", folder + "/e\(k).npy"],
                                                     store: folder + "/s\(k).sqlite") }
        for p in shards { try p.run() }
        for p in shards { p.waitUntilExit(); XCTAssertEqual(p.terminationStatus, 0) }
        let whole = try runFocal(["embed", Self.images, "--out", folder + "/all.npy"], store: folder + "/all.sqlite")
        XCTAssertEqual(whole.status, 0, whole.stderr)

        let all = try listed(folder + "/all.npy")
        let shares = try (0..<3).map { try listed(folder + "/e\($0).npy") }
        XCTAssertEqual(all.count, 200)
        XCTAssertEqual(shares.map(\.count).reduce(0, +), 200)
        XCTAssertEqual(Set(shares.joined()), Set(all))
        XCTAssertTrue(shares.allSatisfy { !$0.isEmpty }, "\(shares.map(\.count))")
        print("shards of 200 images: \(shares.map(\.count))")

        let merge = try runFocal(["store", "merge"] + (0..<3).map { folder + "/s\($0).sqlite" } + ["--into", folder + "/merged.sqlite", "--json"],
                                 store: folder + "/unused.sqlite")
        XCTAssertEqual(merge.status, 0, merge.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(merge.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(summary["rows"] as? Int, 200)

        let key = try backboneKey(of: folder + "/all.sqlite")
        let hashes = try all.map { try ContentHash.sha256(path: $0) }
        let expected = try EmbeddingStore(path: folder + "/all.sqlite").embeddings(for: hashes, backbone: key)
        let merged = try EmbeddingStore(path: folder + "/merged.sqlite")
        let got = try merged.embeddings(for: hashes, backbone: key)
        XCTAssertEqual(try merged.count(), 200)
        XCTAssertEqual(got.count, 200)
        let differing = hashes.filter { got[$0].map { $0.map(\.bitPattern) } != expected[$0].map { $0.map(\.bitPattern) } }
        XCTAssertEqual(differing.count, 0, "rows that differ from the unsharded run")
    }

    func testAutoTakesTheJobArraysIndex() throws {
        func share(_ shard: String, _ environment: [String: String]) throws -> (Int32, [String]) {
            let out = folder + "/\(UUID().uuidString).npy"
            let p = focalProcess(["embed", Self.images, "--shard", shard, "--out", out], store: folder + "/auto.sqlite", environment: environment)
            try p.run()
            p.waitUntilExit()
            return (p.terminationStatus, p.terminationStatus == 0 ? try listed(out) : [])
        }
        let one = try share("1/3", [:]), two = try share("2/3", [:])
        XCTAssertEqual(try share("auto/3", ["JOB_COMPLETION_INDEX": "1"]).1, one.1)
        XCTAssertEqual(try share("auto/3", ["SLURM_ARRAY_TASK_ID": "2"]).1, two.1)
        XCTAssertEqual(try share("auto/3", [:]).0, 1)
        XCTAssertEqual(try share("3/3", [:]).0, 1)
    }

    /// The share is the hash's first 64 bits modulo N, whatever the order or names.
    func testTheShareFollowsTheContentHash() throws {
        let shard = try Shard(index: 2, count: 5)
        XCTAssertTrue(shard.contains(hash: "0000000000000007" + String(repeating: "f", count: 48)))   // 7 mod 5 = 2
        XCTAssertFalse(shard.contains(hash: "0000000000000008" + String(repeating: "0", count: 48)))
        // 2^64 − 1 = 18446744073709551615, which is 0 modulo 5 (it ends in 5).
        XCTAssertFalse(shard.contains(hash: "ffffffffffffffff"))
        XCTAssertTrue(try Shard(index: 0, count: 5).contains(hash: "ffffffffffffffff"))
        // Only the first 16 hex digits count.
        XCTAssertEqual(shard.contains(hash: "0000000000000007aa"), shard.contains(hash: "0000000000000007bb"))
    }

    func testMergeRefusesConflictingRowsAndOtherBackbones() throws {
        let a = folder + "/a.sqlite", b = folder + "/b.sqlite", c = folder + "/c.sqlite", target = folder + "/t.sqlite"
        try EmbeddingStore(path: a).store([("h1", [1, 2]), ("h2", [3, 4])], backbone: "net@1")
        try EmbeddingStore(path: b).store([("h1", [1, 2.5])], backbone: "net@1")
        try EmbeddingStore(path: c).store([("h3", [5, 6])], backbone: "net@2")
        try EmbeddingStore(path: target).store([("h9", [9, 9])], backbone: "net@1")
        let before = try EmbeddingStore(path: target).embeddings(for: ["h9", "h1"], backbone: "net@1")

        let conflict = try runFocal(["store", "merge", a, b, "--into", target], store: folder + "/unused.sqlite")
        XCTAssertEqual(conflict.status, 1)
        XCTAssertTrue(conflict.stderr.contains("embedding of image h1 differs"), conflict.stderr)
        let other = try runFocal(["store", "merge", a, c, "--into", target], store: folder + "/unused.sqlite")
        XCTAssertEqual(other.status, 1)
        XCTAssertTrue(other.stderr.contains("different backbones") && other.stderr.contains("net@2"), other.stderr)
        XCTAssertEqual(try EmbeddingStore(path: target).embeddings(for: ["h9", "h1"], backbone: "net@1"), before, "a refused merge changed the target")
        XCTAssertEqual(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".tmp") }, [])

        // A source that is not a store is named, and no target is left behind.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: folder + "/g.sqlite"))
        let garbage = try runFocal(["store", "merge", folder + "/g.sqlite", "--into", folder + "/new.sqlite"], store: folder + "/unused.sqlite")
        XCTAssertEqual(garbage.status, 1)
        XCTAssertTrue(garbage.stderr.contains("g.sqlite: not an embedding store"), garbage.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/new.sqlite"))

        // The same store named twice (by two spellings) is refused.
        let named = try runFocal(["store", "merge", a, a.replacingOccurrences(of: "/a.sqlite", with: "/./a.sqlite"), "--into", target],
                                 store: folder + "/unused.sqlite")
        XCTAssertEqual(named.status, 1)
        XCTAssertTrue(named.stderr.contains("named twice"), named.stderr)
        // The same row in two stores is no conflict, and the target's own rows stay.
        try FileManager.default.copyItem(atPath: a, toPath: folder + "/a2.sqlite")
        let twice = try runFocal(["store", "merge", a, folder + "/a2.sqlite", "--into", target], store: folder + "/unused.sqlite")
        XCTAssertEqual(twice.status, 0, twice.stderr)
        XCTAssertEqual(try EmbeddingStore(path: target).embeddings(for: ["h1", "h2", "h9"], backbone: "net@1"),
                       ["h1": [1, 2], "h2": [3, 4], "h9": [9, 9]])
    }

    /// The shipped Kubernetes Indexed Job's command, as a pod of index 1 runs it
    /// (the volume's /data standing for a folder here): a valid `focal` command
    /// that embeds share 1 of 8.
    func testTheKubernetesJobsCommandEmbedsItsShare() throws {
        let yaml = try String(contentsOf: Repository.root.appendingPathComponent("deploy/kubernetes/embed-job.yaml"), encoding: .utf8)
        XCTAssertTrue(yaml.contains("completionMode: Indexed") && yaml.contains("completions: 8"))
        // The command is a flow sequence of JSON strings, possibly over several lines.
        let start = try XCTUnwrap(yaml.range(of: "command: ["))
        let end = try XCTUnwrap(yaml[start.upperBound...].firstIndex(of: "]"))
        let list = "[" + yaml[start.upperBound..<end] + "]"
        var command = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(list.utf8)) as? [String])
        XCTAssertEqual(command.first, "focal")
        let data = folder + "/data"
        try FileManager.default.createDirectory(atPath: data + "/focal/shards", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: data + "/photos", withDestinationPath: Self.images)
        command = command.dropFirst().map {
            $0.replacingOccurrences(of: "$(JOB_COMPLETION_INDEX)", with: "1").replacingOccurrences(of: "/data", with: data)
        }
        let p = focalProcess(command, store: folder + "/ignored.sqlite", environment: ["JOB_COMPLETION_INDEX": "1"])
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let mine = try listed(data + "/focal/shards/embeddings-1.npy")
        let direct = focalProcess(["embed", Self.images, "--shard", "1/8", "--out", folder + "/direct.npy"], store: folder + "/direct.sqlite")
        try direct.run()
        direct.waitUntilExit()
        XCTAssertEqual(mine.map { ($0 as NSString).lastPathComponent }, try listed(folder + "/direct.npy").map { ($0 as NSString).lastPathComponent })
        XCTAssertEqual(try EmbeddingStore(path: data + "/focal/shards/store-1.sqlite").count(), mine.count)
    }

    /// A shard killed part way keeps what it committed, and its rerun computes only the rest.
    func testAKilledShardResumes() throws {
        let train = URL(fileURLWithPath: Self.images).deletingLastPathComponent().appendingPathComponent("train").path
        let store = folder + "/shard.sqlite"
        let p = focalProcess(["embed", train, "--shard", "0/2", "--out", folder + "/k.npy"], store: store)
        try p.run()
        // Killed once its first batch is committed (whatever this machine's speed), within a minute.
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning && Date() < deadline && ((try? EmbeddingStore.rowCount(path: store)) ?? 0) == 0 { usleep(20_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal, "the shard finished before the kill")
        XCTAssertEqual(try EmbeddingStore.integrityCheck(path: store), "ok")
        let rerun = try runFocal(["embed", train, "--shard", "0/2", "--out", folder + "/k.npy", "--json"], store: store)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(rerun.stdout.utf8)) as? [String: Any])
        let cached = try XCTUnwrap(summary["cached"] as? Int), computed = try XCTUnwrap(summary["computed"] as? Int)
        print("shard 0/2 of 400 killed after its first commit: the rerun found \(cached) in its store and computed \(computed)")
        XCTAssertGreaterThan(cached, 0)
        XCTAssertGreaterThan(computed, 0)
    }
}
