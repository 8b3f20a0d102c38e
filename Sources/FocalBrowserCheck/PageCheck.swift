import Foundation

/// Whether a report page renders in a real browser: it loads with no script
/// error and no failed resource, every image decodes, and the expected
/// sections are there. Reads the verdict the page's own check script writes
/// into `#page-check` (see FocalReport's `ReportPage`), and takes a screenshot.
public struct PageCheck: Sendable {
    /// What the page's check script saw after load.
    public struct Verdict: Decodable, Sendable {
        public var errors: [String]
        public var brokenImages: [String]
        public var images: Int
        public var svgs: Int
        public var sections: [String]
    }

    public struct Outcome: Sendable {
        public var verdict: Verdict?
        /// The DOM after load, for further checks.
        public var dom: String
        public var screenshot: String?
        /// Everything wrong, one sentence each; empty when the page is fine.
        public var problems: [String]
    }

    public var browser = HeadlessChromium()

    public init(browser: HeadlessChromium = HeadlessChromium()) {
        self.browser = browser
    }

    /// Renders `page`, checks it, and saves a screenshot at `screenshot` when given.
    public func check(page: String, expectedSections: [String], minimumImages: Int = 0, screenshot: String? = nil) throws -> Outcome {
        guard FileManager.default.fileExists(atPath: page) else { throw BrowserError("no page at \(page)") }
        let dom = try browser.dumpDOM(of: page)
        var problems: [String] = []
        let verdict = Self.verdict(in: dom)
        if let verdict {
            problems += verdict.errors.map { "error while loading: \($0)" }
            problems += verdict.brokenImages.map { "image did not decode: \($0)" }
            problems += expectedSections.filter { !verdict.sections.contains($0) }
                .map { "no section with id '\($0)' (found: \(verdict.sections.joined(separator: ", ")))" }
            if verdict.images < minimumImages { problems.append("\(verdict.images) images, expected at least \(minimumImages)") }
        } else {
            problems.append("the page's check never ran or reported nothing (no finished #page-check element after load)")
        }
        if let screenshot {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: screenshot).deletingLastPathComponent().path, withIntermediateDirectories: true)
            try browser.screenshot(of: page, to: screenshot)
        }
        return Outcome(verdict: verdict, dom: dom, screenshot: screenshot, problems: problems)
    }

    /// The JSON the check script wrote, or nil if it is still pending or absent.
    static func verdict(in dom: String) -> Verdict? {
        guard let open = dom.range(of: "<output id=\"page-check\""),
              let start = dom.range(of: ">", range: open.upperBound..<dom.endIndex),
              let end = dom.range(of: "</output>", range: start.upperBound..<dom.endIndex) else { return nil }
        let text = unescape(String(dom[start.upperBound..<end.lowerBound]))
        return try? JSONDecoder().decode(Verdict.self, from: Data(text.utf8))
    }

    /// The text of a serialized text node: character references back to characters.
    public static func unescape(_ html: String) -> String {
        html.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&nbsp;", with: "\u{a0}").replacingOccurrences(of: "&amp;", with: "&")
    }
}
