import FocalBrowserCheck
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
    let shot = CommandLineTests.repository.appendingPathComponent(".build/artifacts/focal-report/" + screenshot).path
    let outcome = try PageCheck(browser: browser).check(page: page, expectedSections: sections, minimumImages: images, screenshot: shot)
    print("screenshot of \(page): \(shot)")
    XCTAssertEqual(outcome.problems, [], "\(page) did not render cleanly", file: file, line: line)
}
