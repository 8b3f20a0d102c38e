import FocalTestSupport
import Foundation
import XCTest

/// `focal advise` through the command line: the files it writes, its JSON, and
/// bad input (a clear message, a non-zero exit, and no manifest written).
final class AdviseCommandTests: XCTestCase {
    static let wedding = Repository.dataset("wedding")
    static let folder = NSTemporaryDirectory() + "focal-advise-\(UUID().uuidString)"
    /// One store per test process, shared with the other wedding tests (rows are keyed by content hash).
    static let store = NSTemporaryDirectory() + "focal-tests-\(getpid()).sqlite"
    static let model = folder + "/bouquet.focal"

    override class func setUp() {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let trained = try? runFocal(["train", wedding, "--out", model, "--concept", "bouquet", "--c", "1"], store: store)
        precondition(trained?.status == 0, "training failed: \(trained?.stderr ?? "")")
    }

    override class func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func focal(_ arguments: [String]) throws -> FocalRun { try runFocal(arguments, store: Self.store) }

    func digest(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// `focal advise` on the shipped false positive 000055, with `arguments` added.
    func advise(_ arguments: [String], model: String = AdviseCommandTests.model, data: String = AdviseCommandTests.wedding) throws -> FocalRun {
        try focal(["advise", "--model", model, "--data", data, "--image", Self.wedding + "/images/test/000055.jpg"] + arguments)
    }

    /// `advise(arguments)` must be refused with `message` and without writing `unwritten`.
    func assertRefused(_ arguments: [String], says message: String, leaves unwritten: String,
                       model: String = AdviseCommandTests.model, data: String = AdviseCommandTests.wedding,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try advise(arguments, model: model, data: data)
        XCTAssertNotEqual(run.status, 0, file: file, line: line)
        XCTAssertTrue(run.stderr.contains(message), run.stderr, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: unwritten), file: file, line: line)
    }

    func testAdviceOnOneImageWritesANewRevisionAndLeavesTheOldAlone() throws {
        let manifest = Self.wedding + "/manifest.csv"
        let before = digest(manifest)
        let out = Self.folder + "/revision-2.csv"
        let report = Self.folder + "/advice-report"
        let run = try advise(["--pool", Self.wedding, "--write", out, "--json", "--report", report])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("report: \(report)/index.html"), run.stderr)
        let page = try String(contentsOfFile: report + "/index.html", encoding: .utf8)
        for id in ["advice-summary", "explanation-000055-bouquet", "advice-cooccurrence", "advice-focality", "advice-influence", "advice-proposal"] {
            XCTAssertTrue(page.contains("<section id=\"\(id)\">"), id)
        }
        XCTAssertEqual(digest(manifest), before, "the old manifest must not change")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["concept"] as? String, "bouquet")
        // datasets/wedding/taxonomy.yaml, beside the data, describes the concept (its folded text, joined).
        XCTAssertTrue((json["concept_description"] as? String)?.hasPrefix("A bunch of cut flowers tied together and held in a hand (a person's,") ?? false,
                      "\(json["concept_description"] ?? "none")")
        XCTAssertTrue(page.contains("is described as: </strong>A bunch of cut flowers"), "the page shows the description")
        XCTAssertEqual(json["revision"] as? String, out)
        XCTAssertEqual(Set(json["drivers"] as? [String] ?? []), ["veil", "greenery", "flowers"])
        let proposal = try XCTUnwrap(json["proposal"] as? [String: Any])
        let remove = try XCTUnwrap(proposal["remove"] as? [[String: Any]])
        let add = try XCTUnwrap(proposal["add"] as? [[String: Any]])
        XCTAssertFalse(remove.isEmpty)
        XCTAssertFalse(add.isEmpty)
        for key in ["cooccurrence", "focality", "influence", "summary", "explanation", "false_positives"] {
            XCTAssertNotNil(json[key], key)
        }
        // Same columns; removed rows gone; pool rows turned into training negatives.
        let old = try String(contentsOfFile: manifest, encoding: .utf8).split(separator: "\n")
        let new = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(new.first, old.first)
        XCTAssertEqual(new.count, old.count - remove.count)
        let removedNames = remove.compactMap { ($0["image"] as? String).map { ($0 as NSString).lastPathComponent } }
        for name in removedNames { XCTAssertFalse(new.contains { $0.contains("/" + name + ",") && $0.contains("images/train/") }, name) }
        let firstAdded = try XCTUnwrap((add.first?["image"] as? String).map { ($0 as NSString).lastPathComponent })
        let row = try XCTUnwrap(new.first { $0.contains("images/pool/" + firstAdded) })
        XCTAssertTrue(row.contains(",bouquet,train,") || row.contains("|bouquet,train,"), String(row))
    }

    /// A folder pool holds the training and test images too: neither may come
    /// back as a counter-example (test images would leak into training).
    func testAFolderPoolNeverProposesTrainingOrTestImages() throws {
        let run = try advise(["--pool", Self.wedding + "/./images", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let add = try XCTUnwrap((json["proposal"] as? [String: Any])?["add"] as? [[String: Any]])
        XCTAssertFalse(add.isEmpty)
        for x in add {
            let image = try XCTUnwrap(x["image"] as? String)
            XCTAssertTrue(image.contains("/images/pool/"), image)
            XCTAssertEqual(x["verified"] as? Bool, false, "an unlabelled folder cannot prove the bouquet absent")
        }
    }

    func testAModelFromAnotherBackboneIsRefused() throws {
        var text = try String(contentsOfFile: Self.model, encoding: .utf8)
        let sha = try XCTUnwrap(text.range(of: #""backboneSHA256" : "[0-9a-f]+""#, options: .regularExpression))
        text.replaceSubrange(sha, with: "\"backboneSHA256\" : \"\(String(repeating: "0", count: 64))\"")
        let foreign = Self.folder + "/foreign.focal"
        try text.write(toFile: foreign, atomically: true, encoding: .utf8)
        let out = Self.folder + "/never-1.csv"
        let run = try focal(["advise", "--model", foreign, "--data", Self.wedding, "--eval", Self.wedding, "--write", out])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("another backbone"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testTooFewPositivesToJudgeIsRefused() throws {
        // 8 bouquet positives (enough to train, too few to judge) and 12 negatives, images referenced from the shipped scenes.
        let rows = try String(contentsOfFile: Self.wedding + "/manifest.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(4).map(String.init) }
            .filter { $0[3] == "train" }
        let positives = rows.filter { $0[1].split(separator: "|").contains("bouquet") }
        let negatives = rows.filter { $0[2].split(separator: "|").contains("bouquet") }
        let small = Self.folder + "/small"
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        let lines = ["image,positives,negatives,split"] + (Array(positives.prefix(8)) + Array(negatives.prefix(12))).map {
            "\(Self.wedding)/\($0[0]),\($0[1]),\($0[2]),train"
        }
        try lines.joined(separator: "\n").write(toFile: small + "/manifest.csv", atomically: true, encoding: .utf8)
        let model = small + "/small.focal"
        let trained = try focal(["train", small, "--out", model, "--concept", "bouquet", "--c", "1"])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let out = small + "/never.csv"
        try assertRefused(["--write", out], says: "only 8 training positives of 'bouquet'", leaves: out, model: model, data: small)
    }

    func testAnEmptyPoolIsRefused() throws {
        let empty = Self.folder + "/empty-pool"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let out = Self.folder + "/never-2.csv"
        try assertRefused(["--pool", empty, "--write", out], says: "the pool has no images", leaves: out)
    }

    func testTheOldManifestIsNeverTheTarget() throws {
        let manifest = Self.wedding + "/manifest.csv"
        let before = digest(manifest)
        let run = try advise(["--write", manifest])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("training manifest itself"), run.stderr)
        XCTAssertEqual(digest(manifest), before)
        // Nor an input given for another role (here the test set to verify on).
        let test = Self.folder + "/test-manifest.csv"
        try assertRefused(["--write", test, "--verify", test], says: "that is an input of this command", leaves: test)
    }
}
