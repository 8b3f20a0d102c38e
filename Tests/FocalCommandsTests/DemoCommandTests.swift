import FocalBrowserCheck
import FocalTestSupport
import Foundation
import XCTest

/// `focal demo`, the README's first command: it runs the whole story and its
/// summary states figures that other commands measure the same way.
final class DemoCommandTests: XCTestCase {
    static let repository = Repository.root.path
    static let out = NSTemporaryDirectory() + "focal-demo-\(UUID().uuidString)"
    /// Shared with the other wedding tests of this process.
    static let store = NSTemporaryDirectory() + "focal-tests-\(getpid()).sqlite"

    static let run: FocalRun = {
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(repository)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        return try! runFocal(["demo", "--out", out], store: store)
    }()

    override class func tearDown() { try? FileManager.default.removeItem(atPath: out) }

    /// "label: 0.470 → 0.190" → (0.470, 0.190).
    func beforeAfter(_ line: Substring) throws -> (Double, Double) {
        let text = String(line.split(separator: ":", maxSplits: 1).last!)
        let regex = try NSRegularExpression(pattern: "[0-9]+\\.[0-9]+")
        let numbers = regex.matches(in: text, range: NSRange(text.startIndex..., in: text))
            .map { Double((text as NSString).substring(with: $0.range))! }
        XCTAssertGreaterThanOrEqual(numbers.count, 2, String(line))
        return (numbers[0], numbers[1])
    }

    func testTheDemoTellsTheStoryInMeasuredNumbers() throws {
        let run = Self.run
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n")
        let whole = try XCTUnwrap(lines.first { $0.hasPrefix("False-positive rate on the whole test split") })
        let context = try XCTUnwrap(lines.first { $0.hasPrefix("False-positive rate on the 50 test scenes") })
        let accuracy = try XCTUnwrap(lines.first { $0.hasPrefix("Accuracy: revision 1") })
        let (fprBefore, fprAfter) = try beforeAfter(whole)
        let (contextBefore, contextAfter) = try beforeAfter(context)
        XCTAssertLessThan(fprAfter, fprBefore)
        XCTAssertLessThanOrEqual(contextAfter, 0.5 * contextBefore)
        XCTAssertTrue(accuracy.contains("revision 2"), String(accuracy))

        // The same revision-1 model, scored again by `focal evaluate`: the
        // demo's "before" figures are that model's.
        let evaluation = try runFocal(["evaluate", "--model", Self.out + "/revision-1.focal", Repository.dataset("wedding"), "--json"],
                                      store: Self.store)
        XCTAssertEqual(evaluation.status, 0, evaluation.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(evaluation.stdout.utf8)) as? [String: Any])
        let bouquet = try XCTUnwrap((report["concepts"] as? [[String: Any]])?.first)
        let fpr = try XCTUnwrap((bouquet["false_positive_rate"] as? [String: Any])?["estimate"] as? Double)
        XCTAssertEqual(fpr, fprBefore, accuracy: 0.0005)
        let accuracyBefore = try XCTUnwrap(bouquet["accuracy"] as? Double)
        XCTAssertTrue(accuracy.contains(String(format: "revision 1 %.3f", accuracyBefore)), String(accuracy))

        // Revision 2 is a manifest that `focal train` accepts, beside the demo's other files.
        for file in ["revision-1.focal", "revision-2.csv", "advice.json", "evaluation.json", "explanation.png", "index.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: Self.out + "/" + file), file)
        }
        XCTAssertTrue(run.stdout.contains("report: \(Self.out)/index.html"), run.stdout)
    }

    /// The report tells the story in order, in a real browser: every section,
    /// every picture decodes, no script error, no fetch (the page's policy forbids it).
    func testTheDemoReportRendersInAHeadlessBrowser() throws {
        XCTAssertEqual(Self.run.status, 0, Self.run.stderr)
        let advice = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.out + "/advice.json"))) as? [String: Any])
        let explained = try XCTUnwrap((advice["explanation"] as? [String: Any])?["image"] as? String)
        let stem = ((explained as NSString).lastPathComponent as NSString).deletingPathExtension
        let story = ["story", "evaluation-summary", "evaluation-bouquet", "explanation-\(stem)-bouquet", "advice-summary",
                     "advice-cooccurrence", "advice-focality", "advice-influence", "advice-proposal", "advice-verification",
                     "comparison-revisions"]
        let pictures = try assertReportRenders(in: Self.out, sectionsInOrder: story, screenshot: "demo.png")
        XCTAssertGreaterThanOrEqual(pictures, 40)
    }
}
