import FocalBrowserCheck
import FocalTestSupport
import Foundation
import XCTest

/// Checks a report folder a command wrote: index.html with the sections, the
/// pictures in images/, and (when chromium is installed) that it renders
/// cleanly in a headless browser; the screenshot goes to .build/artifacts/focal-report/.
func assertReport(in folder: String, sections: [String], images: Int, screenshot: String,
                  file: StaticString = #filePath, line: UInt = #line) throws {
    let page = folder + "/index.html"
    let html = try String(contentsOfFile: page, encoding: .utf8)
    for id in sections { XCTAssertTrue(html.contains("<section id=\"\(id)\">"), "no section \(id) in \(page)", file: file, line: line) }
    let pictures = try FileManager.default.contentsOfDirectory(atPath: folder + "/images").filter { !$0.hasPrefix(".") }
    XCTAssertEqual(pictures.count, images, "pictures in \(folder)/images", file: file, line: line)
    let browser = HeadlessChromium()
    guard browser.isInstalled else {
        print("not rendering \(page): \(browser.executable) is not installed (apt-get install chromium)")
        return
    }
    let shot = Repository.root.appendingPathComponent(".build/artifacts/focal-report/" + screenshot).path
    let outcome = try PageCheck(browser: browser).check(page: page, expectedSections: sections, minimumImages: images, screenshot: shot)
    print("screenshot of \(page): \(shot)")
    XCTAssertEqual(outcome.problems, [], "\(page) did not render cleanly", file: file, line: line)
}

/// A report whose number of pictures depends on the data: every picture in
/// `images/` is shown and every picture shown is there, the sections appear in
/// this order, and the page renders cleanly in Chromium. Returns the number of pictures.
@discardableResult
func assertReportRenders(in folder: String, sectionsInOrder sections: [String], screenshot: String,
                         file: StaticString = #filePath, line: UInt = #line) throws -> Int {
    let html = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
    let positions = sections.map { html.range(of: "<section id=\"\($0)\">")?.lowerBound }
    XCTAssertFalse(positions.contains(nil), "missing sections: \(zip(sections, positions).filter { $0.1 == nil }.map(\.0))",
                   file: file, line: line)
    XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted(), "sections out of order", file: file, line: line)
    let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder + "/images").filter { !$0.hasPrefix(".") })
    let regex = try NSRegularExpression(pattern: "src=\"images/([^\"]+)\"")
    let shown = Set(regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { (html as NSString).substring(with: $0.range(at: 1)) })
    XCTAssertEqual(files, shown, "pictures on disk against pictures shown", file: file, line: line)
    let browser = HeadlessChromium()
    guard browser.isInstalled else {
        print("not rendering \(folder)/index.html: \(browser.executable) is not installed (apt-get install chromium)")
        return shown.count
    }
    let shot = Repository.root.appendingPathComponent(".build/artifacts/focal-report/" + screenshot).path
    let outcome = try PageCheck(browser: browser).check(page: folder + "/index.html", expectedSections: sections,
                                                        minimumImages: shown.count, screenshot: shot)
    print("screenshot of \(folder)/index.html: \(shot)")
    XCTAssertEqual(outcome.problems, [], "\(folder)/index.html did not render cleanly", file: file, line: line)
    return shown.count
}
