/// One part of a report page, reachable from the page's navigation by its id.
/// Pages for any command are lists of sections; a story page concatenates the
/// sections of several commands:
///
///     let folder = try ReportFolder(path: dir)
///     let sections = [Section(id: "story", title: "What happened", .paragraph("…"))]
///         + EvaluationPage.sections(evaluation, folder: folder)
///         + ComparisonPage.sections(comparison, folder: folder)
///         + ExplanationPage.sections(explanations, folder: folder)
///     try folder.write(ReportPage(title: "…", sections: sections))
///
/// A new page (advise, check) is a function returning `[Section]` built from
/// `HTML`, `Table`, `Plot` and `Gallery`, its pictures added through the `ReportFolder`.
public struct Section: Sendable {
    /// The fragment id: a slug (see `Format.slug`), unique on its page.
    public var id: String
    public var title: String
    public var content: HTML

    public init(id: String, title: String, _ content: HTML...) {
        self.init(id: id, title: title, content: HTML(content))
    }

    public init(id: String, title: String, content: HTML) {
        self.id = id
        self.title = title
        self.content = content
    }

    var html: HTML {
        .element("section", ["id": id], .heading(2, title), content)
    }
}

extension Array where Element == Section {
    /// The same sections with ids made unique by suffixes (-2, -3, …), in order.
    func withUniqueIDs() -> [Section] {
        var seen: [String: Int] = [:]
        return map { section in
            var s = section
            let n = (seen[s.id] ?? 0) + 1
            seen[s.id] = n
            if n > 1 { s.id += "-\(n)" }
            return s
        }
    }
}
