import FocalTestSupport
import Foundation
import XCTest

/// `focal check` through the command line: the findings document scripts read,
/// the terminal report, and one-line errors on bad input.
final class CheckCommandTests: XCTestCase {
    static let datasets = Repository.root.appendingPathComponent("datasets").path
    static let store = NSTemporaryDirectory() + "focal-check-\(UUID().uuidString).sqlite"

    func focal(_ arguments: [String]) throws -> FocalRun { try runFocal(arguments, store: Self.store) }

    func findings(_ run: FocalRun) throws -> [[String: Any]] {
        let document = try jsonObject(run.stdout)
        return try XCTUnwrap(document["findings"] as? [[String: Any]])
    }

    func testApplesJSONNamesTheNarrowScopeFirst() throws {
        let run = try focal(["check", Self.datasets + "/apples", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let all = try findings(run)
        let kinds = Set(["too-few", "learning-curve", "narrow", "split-concept", "mislabeled", "duplicate", "leakage", "shift"])
        for f in all {
            XCTAssertTrue(kinds.contains(f["kind"] as? String ?? ""), "\(f)")
            XCTAssertTrue(["high", "medium", "low"].contains(f["severity"] as? String ?? ""))
            XCTAssertNotNil(f["message"] as? String)
            XCTAssertNotNil(f["images"] as? [String])
            XCTAssertTrue(f.keys.contains("concept"), "concept is always present (null for image findings)")
        }
        // Ranked: no finding follows one of lower severity.
        let ranks = all.map { ["high": 0, "medium": 1, "low": 2][$0["severity"] as! String]! }
        XCTAssertEqual(ranks, ranks.sorted())
        let narrow = try XCTUnwrap(all.first { $0["kind"] as? String == "narrow" && $0["concept"] as? String == "apple" })
        XCTAssertEqual(narrow["severity"] as? String, "high")
        // The manifest says which test apples are red; the first five listed are.
        let manifest = try String(contentsOfFile: Self.datasets + "/apples/manifest.csv", encoding: .utf8)
        let red = Set(manifest.split(separator: "\n").filter { $0.hasSuffix(",red") }.map { String($0.split(separator: ",")[0]) })
        let listed = (narrow["images"] as! [String]).prefix(5).map { String($0.split(separator: "/").suffix(3).joined(separator: "/")) }
        XCTAssertTrue(listed.allSatisfy(red.contains), "\(listed)")

        // The terminal form: numbered findings with a next step, and the per-concept table.
        let text = try focal(["check", Self.datasets + "/apples"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("1. [high] narrow · apple"), text.stdout)
        XCTAssertTrue(text.stdout.contains("next: "))
        XCTAssertTrue(text.stdout.contains("still rising") || text.stdout.contains("flat"))
        XCTAssertEqual(text.stderr, "", "quiet when piped")
    }

    func testPhoneTargetIsAShift() throws {
        let report = NSTemporaryDirectory() + "focal-check-report-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: report) }
        let run = try focal(["check", Self.datasets + "/pints", "--target", Self.datasets + "/pints/images/test", "--json", "--report", report])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("report: \(report)/index.html"), run.stderr)
        // The page: findings first (the shift among them), concepts, learning curves, the shift's gallery.
        let count = try findings(run).count
        try assertReportRenders(in: report, sectionsInOrder: ["check-findings"] + (1...count).map { "check-finding-\($0)" }
                                    + ["check-concepts", "check-learning-curves", "check-shift"], screenshot: "check.png")
        let shift = try XCTUnwrap(try findings(run).first { $0["kind"] as? String == "shift" })
        XCTAssertEqual(shift["severity"] as? String, "high")
        XCTAssertTrue(shift["concept"] is NSNull)
        XCTAssertTrue((shift["images"] as! [String]).allSatisfy { $0.contains("/images/test/") })
    }

    func testBadInputIsOneLineNamingTheFile() throws {
        let missing = NSTemporaryDirectory() + "no-such-dataset-\(UUID().uuidString)"
        let run = try focal(["check", missing])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains(missing), run.stderr)
        XCTAssertEqual(run.stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count, 1, run.stderr)

        // A manifest whose only image is unreadable: reported by path, then a one-line failure.
        let folder = try temporaryFolder("check-bad")
        try Data("not a jpeg".utf8).write(to: URL(fileURLWithPath: folder + "/broken.jpg"))
        try "image,positives,negatives,split,regions\nbroken.jpg,cat,,train,\n".write(toFile: folder + "/manifest.csv", atomically: true, encoding: .utf8)
        let bad = try focal(["check", folder])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("broken.jpg"), bad.stderr)
    }
}
