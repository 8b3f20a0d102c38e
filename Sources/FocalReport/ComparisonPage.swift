import FocalConcepts
import FocalTraining

/// The report of `focal compare`: the two revisions, each concept's metrics
/// side by side with the paired interval of B − A, McNemar's test, and the
/// test images whose decision flipped.
public enum ComparisonPage {
    public static func page(_ report: ComparisonReport, folder: ReportFolder) -> ReportPage {
        ReportPage(title: "Comparison: \(report.a.dataset) vs \(report.b.dataset)",
                   subtitle: "on \(report.test) (\(report.samples) test images)", sections: sections(report, folder: folder))
    }

    /// Ids: "comparison-revisions", "comparison-<concept slug>".
    public static func sections(_ report: ComparisonReport, folder: ReportFolder) -> [Section] {
        [revisions(report)] + report.concepts.map { concept($0, folder: folder) }
    }

    static func revisions(_ r: ComparisonReport) -> Section {
        let table = Table(columns: ["", "training set", "revision", "training images", "C"], rows: [("A", r.a), ("B", r.b)].map { name, side in
            [.text(name), Table.Cell(.code(side.dataset)), Table.Cell(.code(String(side.revision.prefix(12)))),
             .number(String(side.trainingSamples)), .number(side.c.map { Format.number($0, digits: 4) }.joined(separator: ", "))]
        }, rowHeaders: true)
        return Section(id: "comparison-revisions", title: "Revisions", table.html,
                       .paragraph(HTML("Both trained the same way and scored on ") + .code(r.test) + HTML(" (\(r.samples) images).")))
    }

    static func concept(_ c: ComparisonReport.ConceptComparison, folder: ReportFolder) -> Section {
        let metrics = Table(caption: "B − A with its paired bootstrap 95% interval", columns: ["metric", "A", "B", "B − A [95% interval]"],
                            rows: c.metrics.map { m in
                                [.text(m.name.replacingOccurrences(of: "_", with: " ")), .number(Format.number(m.a)), .number(Format.number(m.b)),
                                 .number(Format.interval(m.difference))]
                            }, rowHeaders: true)
        let test = HTML("McNemar's exact test: \(Format.count(c.mcnemar.onlyA, "image")) right only with A, \(c.mcnemar.onlyB) right only with B, "
                        + "p = \(Format.number(c.mcnemar.pValue, digits: 4)).")
        return Section(
            id: "comparison-" + Format.slug(c.concept), title: "\(c.concept): A against B",
            c.description.map { .paragraph(.strong("Described as: ") + HTML($0), class: "muted") } ?? .empty,
            metrics.html, .paragraph(test),
            .heading(3, "Fixed by B (\(c.fixed.count): wrong with A, right with B)"),
            flipped(c.fixed, note: "fixed", folder: folder),
            .heading(3, "Broken by B (\(c.broken.count): right with A, wrong with B)"),
            flipped(c.broken, note: "broken", folder: folder))
    }

    /// Flipped images shown as thumbnails, at most this many per gallery (the rest are counted).
    public static let galleryLimit = 48

    static func flipped(_ paths: [String], note: String, folder: ReportFolder) -> HTML {
        let gallery = Gallery(images: paths.prefix(galleryLimit).map { ($0, note) }, folder: folder, emptyText: "none \(note)").html
        guard paths.count > galleryLimit else { return gallery }
        return gallery + .paragraph(HTML("… and \(paths.count - galleryLimit) more (focal compare --json lists them all)."), class: "muted")
    }
}
