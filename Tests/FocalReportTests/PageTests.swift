import FocalFiles
import FocalImages
@testable import FocalReport
import XCTest

/// The pages of each command: their sections, plots, pictures beside them, and escaping.
final class PageTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = try ReportFixtures.folder()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testEvaluationPageHasMetricsPlotsAndThumbnailsBesideIt() throws {
        let images = try ReportFixtures.images(["tp.jpg", "fp.jpg", "fn.jpg", "tn.jpg"], in: folder)
        let report = try ReportFolder(path: folder + "/report")
        let page = EvaluationPage.page(ReportFixtures.evaluation(concept: "bouquet", images: images), folder: report)
        XCTAssertEqual(page.sections.map(\.id), ["evaluation-summary", "evaluation-bouquet"])
        let html = try String(contentsOfFile: try report.write(page), encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!doctype html>"))
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 3, "PR, ROC and calibration")
        // AP of the fixture by hand: (0.5·1 + 0.5·2/3) = 0.833; ROC AUC: 3 of 4 pairs ordered = 0.750.
        XCTAssertTrue(html.contains("Precision-recall (AP 0.833)"))
        XCTAssertTrue(html.contains("ROC (AUC 0.750)"))
        XCTAssertTrue(html.contains("<td class=\"number\">0.500 [0.000, 1.000]</td>"))
        // The false positive and the false negative as thumbnails in images/, at most 176 px a side.
        let sources = Self.imageSources(html)
        XCTAssertEqual(sources, ["images/0001.jpg", "images/0002.jpg"])
        for source in sources {
            let thumbnail = try ImageDecoder().decode(path: folder + "/report/" + source)
            XCTAssertEqual(thumbnail.width, 176)    // 320×240 scaled by 176/320
            XCTAssertEqual(thumbnail.height, 132)
        }
        XCTAssertTrue(html.contains("alt=\"\(images[1])\""))
    }

    func testExclusiveModelsGetTheConfusionMatrix() throws {
        var evaluation = ReportFixtures.evaluation(concept: "cat", images: ["a.jpg", "b.jpg", "c.jpg", "d.jpg"])
        evaluation.concepts[0].worstFalsePositives = []
        evaluation.concepts[0].worstFalseNegatives = []
        XCTAssertFalse(EvaluationPage.sections(evaluation, folder: try ReportFolder(path: folder)).map(\.id).contains("confusion-matrix"))
        evaluation.concepts.append(evaluation.concepts[0])
        evaluation.concepts[1].concept = "dog"
        evaluation.confusionMatrix = [[3, 1], [0, 4]]
        let sections = EvaluationPage.sections(evaluation, folder: try ReportFolder(path: folder))
        XCTAssertEqual(sections.map(\.id), ["evaluation-summary", "evaluation-cat", "evaluation-dog", "confusion-matrix"])
        XCTAssertTrue(sections[3].content.markup.contains("<tr><th>dog</th><td class=\"number\">0</td><td class=\"number diagonal\">4</td></tr>"))
        // A matrix larger than the list of names still renders, numbering the unnamed classes.
        let odd = Table.confusionMatrix(classes: ["cat"], matrix: [[1, 2], [3, 4]]).html.markup
        XCTAssertTrue(odd.contains("<tr><th>class 2</th><td class=\"number\">3</td>"), odd)
    }

    func testRewritingAFolderLeavesOnlyThePicturesOfTheNewPage() throws {
        let images = try ReportFixtures.images(["a.jpg", "b.jpg", "c.jpg"], in: folder)
        let first = try ReportFolder(path: folder + "/report")
        try first.write(ReportPage(title: "three", sections: [Section(id: "g", title: "G", Gallery(images: images.map { ($0, "") }, folder: first).html)]))
        try AtomicFile.write("keep", to: folder + "/report/images/notes.txt")
        let second = try ReportFolder(path: folder + "/report")
        try second.write(ReportPage(title: "one", sections: [Section(id: "g", title: "G", Gallery(images: [(images[2], "")], folder: second).html)]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder + "/report/images").sorted(), ["0001.jpg", "notes.txt"])
    }

    func testUnreadableImageIsSaidNotBroken() throws {
        let report = try ReportFolder(path: folder + "/report")
        let gallery = Gallery(images: [(folder + "/missing.jpg", "P = 0.80")], folder: report).html.markup
        XCTAssertFalse(gallery.contains("<img"))
        XCTAssertTrue(gallery.contains("(image unreadable)"))
    }

    func testComparisonAndExplanationSections() throws {
        let images = try ReportFixtures.images(["a.jpg", "b.jpg", "c.jpg"], in: folder)
        let report = try ReportFolder(path: folder + "/report")
        let comparison = ComparisonPage.sections(ReportFixtures.comparison(concept: "veil", fixed: [images[0], images[1]], broken: [images[2]]),
                                                 folder: report)
        XCTAssertEqual(comparison.map(\.id), ["comparison-revisions", "comparison-veil"])
        let text = comparison[1].content.markup
        XCTAssertTrue(text.contains("<td class=\"number\">0.250 [-0.100, 0.600]</td>"))
        XCTAssertTrue(text.contains("Fixed by B (2: wrong with A, right with B)"))
        XCTAssertTrue(text.contains("1 image right only with A, 2 right only with B"))
        XCTAssertEqual(Self.imageSources(text).count, 3)
        // Many flips: the first 48 as thumbnails (one picture file for the one image), the rest counted.
        let many = ComparisonPage.sections(ReportFixtures.comparison(concept: "veil", fixed: Array(repeating: images[0], count: 50), broken: []),
                                           folder: report)[1].content.markup
        XCTAssertEqual(Self.imageSources(many).count, 48)
        XCTAssertTrue(many.contains("… and 2 more"))

        let explanation = ExplanationPage.sections([try ReportFixtures.explanation(image: images[0], concept: "veil", regionName: "tulle")],
                                                   folder: report)
        XCTAssertEqual(explanation.map(\.id), ["explanation-a-veil"])
        let body = explanation[0].content.markup
        XCTAssertTrue(body.contains("The veil itself is among the evidence"))
        XCTAssertTrue(body.contains("<td class=\"number\">70%</td>"))
        XCTAssertTrue(body.contains("tulle <span class=\"muted\">(annotation, 0.90)</span>"))
        // The heatmap picture is ExplanationPicture's rendering, written as PNG beside the page.
        let source = try XCTUnwrap(Self.imageSources(body).first)
        XCTAssertTrue(source.hasSuffix(".png"))
        let picture = try ImageDecoder().decode(path: folder + "/report/" + source)
        XCTAssertGreaterThanOrEqual(picture.width, 320)
    }

    /// A picture rendered while explaining is written as it is: the photo is
    /// not decoded again (here it no longer exists, so decoding would fail).
    func testAPictureRenderedWhileExplainingIsNotDecodedAgain() throws {
        let report = try ReportFolder(path: folder + "/report")
        let gone = folder + "/gone.jpg"
        let e = try ReportFixtures.explanation(image: gone, concept: "veil", regionName: "tulle")
        let unread = ExplanationPage.page([e], folder: report).sections[0].content.markup
        XCTAssertTrue(unread.contains("the image could not be read"))
        XCTAssertTrue(Self.imageSources(unread).isEmpty)

        let rendered = RGBImage(width: 10, height: 7, color: (12, 200, 40))
        let page = ExplanationPage.page([e, e], folder: report, pictures: [rendered, nil]).sections
        let body = page[0].content.markup
        XCTAssertFalse(body.contains("the image could not be read"))
        let source = try XCTUnwrap(Self.imageSources(body).first)
        let written = try ImageDecoder().decode(path: folder + "/report/" + source)
        XCTAssertEqual(written, rendered)
        // Without a picture the page still reads the photo itself.
        XCTAssertTrue(page[1].content.markup.contains("the image could not be read"))
    }

    func testNamesAndPathsFromDataAreText() throws {
        let hostile = "<script>document.body.setAttribute('data-pwned','1')</script> \"veil\" & <b>bouquet</b>"
        let images = try ReportFixtures.images(["d.jpg", "a \"quoted\" & <img src=x onerror=alert(1)>.jpg", "c&amp;.jpg", "e.jpg"], in: folder)
        let report = try ReportFolder(path: folder + "/report")
        let page = EvaluationPage.page(ReportFixtures.evaluation(concept: hostile, images: images), folder: report).html
        // The only script is the page's own check script; no tag from the data survives.
        XCTAssertEqual(page.components(separatedBy: "<script").count - 1, 1)
        XCTAssertFalse(page.contains("<b>"))
        XCTAssertFalse(page.contains("<img src=x"))
        let escaped = "&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)&lt;/script&gt; &quot;veil&quot; &amp; &lt;b&gt;bouquet&lt;/b&gt;"
        XCTAssertTrue(page.contains("<h2>\(escaped)</h2>"))
        XCTAssertTrue(page.contains("<title>Evaluation: \(escaped)</title>"))
        // An ampersand that already looks like a reference is escaped again: the text stays "c&amp;.jpg".
        XCTAssertTrue(page.contains("c&amp;amp;.jpg"))
        XCTAssertTrue(page.contains("alt=\"\(folder)/a &quot;quoted&quot; &amp; &lt;img src=x onerror=alert(1)&gt;.jpg\""))
    }

    /// The `src` of every `<img>`, in order.
    static func imageSources(_ html: String) -> [String] {
        html.components(separatedBy: "<img src=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }
}
