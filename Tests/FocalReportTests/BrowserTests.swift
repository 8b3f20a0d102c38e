import FocalBrowserCheck
@testable import FocalReport
import FocalTestSupport
import XCTest

/// Report pages in a real headless browser (Debian's chromium): they load with
/// no failed resource or script error, every image decodes, the sections are
/// there, and text from data stays text. Screenshots go to .build/artifacts/.
final class BrowserTests: XCTestCase {
    static let artifacts = Repository.root.appendingPathComponent(".build/artifacts/focal-report").path
    var folder = ""

    override func setUpWithError() throws {
        let browser = HeadlessChromium()
        guard browser.isInstalled else {
            print("skipping the browser tests: \(browser.executable) is not installed (apt-get install chromium)")
            throw XCTSkip("\(browser.executable) is not installed")
        }
        folder = try ReportFixtures.folder()
    }

    override func tearDown() {
        if !folder.isEmpty { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// A story page built from the sections of all three pages, as `focal demo` will.
    func testStoryPageRendersWithEveryImageAndSection() throws {
        let images = try ReportFixtures.images(["p.jpg", "fp.jpg", "fn.jpg", "n.jpg"], in: folder)
        let report = try ReportFolder(path: folder + "/report")
        let sections = EvaluationPage.sections(ReportFixtures.evaluation(concept: "bouquet", images: images), folder: report)
            + ComparisonPage.sections(ReportFixtures.comparison(concept: "bouquet", fixed: [images[1]], broken: [images[3]]), folder: report)
            + ExplanationPage.sections([try ReportFixtures.explanation(image: images[1], concept: "bouquet", regionName: "veil")], folder: report)
        let page = try report.write(ReportPage(title: "Bouquet, from first model to explanation", sections: sections))
        let outcome = try assertRendersInBrowser(
            page: page, sections: ["evaluation-summary", "evaluation-bouquet", "comparison-revisions", "comparison-bouquet", "explanation-fp-bouquet"],
            minimumImages: 5, screenshot: "story.png")
        XCTAssertEqual(outcome.verdict?.svgs, 3)
    }

    func testNamesFromDataStayTextAndRunNoScript() throws {
        let hostile = "<script>document.body.setAttribute('data-pwned','1')</script> \"veil\" & <b>bouquet</b>"
        let images = try ReportFixtures.images(["d.jpg", "a \"quoted\" & <img src=x onerror=alert(1)>.jpg", "c&amp;.jpg", "e.jpg"], in: folder)
        let report = try ReportFolder(path: folder + "/report")
        let page = try report.write(EvaluationPage.page(ReportFixtures.evaluation(concept: hostile, images: images), folder: report))
        let slug = Format.slug(hostile)
        let outcome = try assertRendersInBrowser(page: page, sections: ["evaluation-summary", "evaluation-" + slug], minimumImages: 2,
                                                 screenshot: "escaping.png")
        XCTAssertFalse(outcome.dom.contains("data-pwned=\"1\""), "the concept name ran as a script")
        XCTAssertFalse(outcome.dom.contains("<b>"))
        // The browser serializes a text node escaping only &, < and >: the heading is one text node holding the raw name.
        let serialized = hostile.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        XCTAssertTrue(outcome.dom.contains("<section id=\"evaluation-\(slug)\"><h2>\(serialized)</h2>"), outcome.dom)
        XCTAssertTrue(outcome.dom.contains("<code>\(folder)/a \"quoted\" &amp; &lt;img src=x onerror=alert(1)&gt;.jpg</code>"))
    }

    /// The checker is not a rubber stamp: a missing picture and a missing section are reported.
    func testCheckerReportsBrokenImagesAndMissingSections() throws {
        let images = try ReportFixtures.images(["p.jpg", "fp.jpg", "fn.jpg", "n.jpg"], in: folder)
        let report = try ReportFolder(path: folder + "/report")
        let page = try report.write(EvaluationPage.page(ReportFixtures.evaluation(concept: "bouquet", images: images), folder: report))
        try FileManager.default.removeItem(atPath: folder + "/report/images/0002.jpg")
        let outcome = try PageCheck().check(page: page, expectedSections: ["evaluation-bouquet", "comparison-bouquet"])
        XCTAssertEqual(outcome.verdict?.brokenImages, ["images/0002.jpg"])
        XCTAssertTrue(outcome.problems.contains("image did not decode: images/0002.jpg"), "\(outcome.problems)")
        XCTAssertTrue(outcome.problems.contains { $0.hasPrefix("no section with id 'comparison-bouquet'") }, "\(outcome.problems)")
        XCTAssertFalse(outcome.problems.contains { $0.contains("'evaluation-bouquet'") })
    }

    /// A script error anywhere on the page fails the check.
    func testCheckerReportsScriptErrors() throws {
        var html = ReportPage(title: "t", sections: [Section(id: "s", title: "S")]).html
        html = html.replacingOccurrences(of: "</main>", with: "</main><script>noSuchFunction()</script>")
        let page = folder + "/index.html"
        try html.write(toFile: page, atomically: true, encoding: .utf8)
        let outcome = try PageCheck().check(page: page, expectedSections: ["s"])
        XCTAssertEqual(outcome.problems.count, 1, "\(outcome.problems)")
        XCTAssertTrue(outcome.problems.first?.contains("noSuchFunction is not defined") == true, "\(outcome.problems)")
    }

    /// Checks `page` in chromium and fails the test with every problem found; the screenshot lands in .build/artifacts/focal-report/.
    @discardableResult
    func assertRendersInBrowser(page: String, sections: [String], minimumImages: Int, screenshot: String,
                                file: StaticString = #filePath, line: UInt = #line) throws -> PageCheck.Outcome {
        let shot = Self.artifacts + "/" + screenshot
        let outcome = try PageCheck().check(page: page, expectedSections: sections, minimumImages: minimumImages, screenshot: shot)
        print("screenshot of \(page): \(shot)")
        XCTAssertEqual(outcome.problems, [], "\(page) did not render cleanly", file: file, line: line)
        return outcome
    }
}
