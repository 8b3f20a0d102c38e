import FocalHealth
import Foundation

/// The report of `focal check`: the ranked findings, each with its next step
/// and the images that show it, then each concept's numbers and learning curve,
/// and the shift between training and target images.
public enum CheckPage {
    public static func page(_ report: HealthReport, data: String, folder: ReportFolder) -> ReportPage {
        ReportPage(title: "Dataset health: \(data)",
                   subtitle: "\(Format.count(report.trainingImages, "training image")), \(Format.count(report.testImages, "test image")), "
                       + Format.count(report.targetImages, "target image"),
                   sections: sections(report, folder: folder))
    }

    /// Ids: check-findings, check-finding-<n> per finding, check-concepts, check-learning-curves, check-shift.
    public static func sections(_ report: HealthReport, folder: ReportFolder) -> [Section] {
        let counts = Severity.allCases.map { s in "\(report.findings.filter { $0.severity == s }.count) \(s.rawValue)" }
        let overview = Table(
            caption: "findings, most severe first", columns: ["#", "severity", "kind", "concept", "finding"],
            rows: report.findings.enumerated().map { i, f in
                [.number(String(i + 1)), Table.Cell(HTML(f.severity.rawValue), className: "severity-" + f.severity.rawValue),
                 .text(f.kind.rawValue), .text(f.concept ?? "—"),
                 Table.Cell(.element("a", ["href": "#check-finding-\(i + 1)"], HTML(f.message)))]
            })
        var sections = [Section(id: "check-findings", title: "Findings",
                                .paragraph(HTML(report.findings.isEmpty ? "No problem found." : counts.joined(separator: ", ") + ".")),
                                report.findings.isEmpty ? .empty : overview.html)]
        for (i, f) in report.findings.enumerated() {
            let images = f.images.prefix(12).enumerated().map { k, path in
                (path: path, note: f.scores.flatMap { k < $0.count ? "score \(Format.number($0[k], digits: 2))" : nil } ?? "#\(k + 1)")
            }
            sections.append(Section(
                id: "check-finding-\(i + 1)", title: "\(i + 1). \(f.kind.rawValue)" + (f.concept.map { " · \($0)" } ?? "") + " (\(f.severity.rawValue))",
                .paragraph(HTML(f.message)),
                f.description.map { .paragraph(.strong("Described as: ") + HTML($0), class: "muted") } ?? .empty,
                .paragraph(.strong("Next: ") + HTML(f.advice)),
                Gallery(images: images, folder: folder, emptyText: "no images").html,
                f.images.count > 12 ? .paragraph(HTML("… and \(f.images.count - 12) more (--json lists them all)."), class: "muted") : .empty))
        }
        sections.append(concepts(report))
        let curves = report.concepts.compactMap(\.learningCurve)
        if !curves.isEmpty {
            sections.append(Section(id: "check-learning-curves", title: "Learning curves",
                                    .paragraph("Out-of-fold average precision training on 25%, 50%, 75% and 100% of each fold's rows.", class: "muted"),
                                    .element("div", ["class": "plots"], children: curves.map { learningCurve($0).svg })))
        }
        if let shift = report.shift {
            sections.append(Section(
                id: "check-shift", title: "Training images against target images",
                .paragraph(HTML("A classifier tells \(Format.count(shift.trainingImages, "training image")) from \(Format.count(shift.targetImages, "target image")) "
                                + "with cross-validated ROC AUC \(Format.interval(shift.rocAUC)) (0.5: the training data is representative).")),
                .heading(3, "Target images least like the training data"),
                Gallery(images: shift.leastLike.prefix(12).map { (path: $0.image, note: "P(target) \(Format.number($0.score, digits: 2))") },
                        folder: folder).html))
        }
        return sections
    }

    static func concepts(_ report: HealthReport) -> Section {
        // The description column only when a taxonomy was used.
        let described = report.taxonomy != nil
        let table = Table(
            caption: "per concept", columns: ["concept", "positives", "negatives", "spread", "clusters (silhouette)", "learning curve", "label issues"]
                + (described ? ["description"] : []),
            rows: report.concepts.map { c in
                [.text(c.concept), .number(String(c.positives)), .number(String(c.negatives)), .number(Format.number(c.spread, digits: 2)),
                 .number("\(c.clusters) (\(Format.number(c.silhouette, digits: 2)))"), .text(c.learningCurve?.verdict.rawValue ?? "—"),
                 .number(String(c.labelIssues))] + (described ? [.text(c.description ?? "— (not in the taxonomy)")] : [])
            })
        return Section(id: "check-concepts", title: "Concepts",
                       report.taxonomy.map { .paragraph(HTML("Labels checked against the taxonomy \($0.file)."), class: "muted") } ?? .empty,
                       table.html)
    }

    /// AP with its interval's ends against the share of data.
    static func learningCurve(_ curve: LearningCurve) -> Plot {
        func series(_ name: String, _ value: (LearningCurve.Point) -> Double, _ style: Plot.Style, _ color: String) -> Plot.Series {
            Plot.Series(name: name, points: curve.points.map { Plot.Point(x: $0.fraction, y: value($0)) }, style: style, color: color)
        }
        return Plot(title: "\(curve.concept): \(curve.verdict.rawValue)", xLabel: "share of the training data", yLabel: "average precision", series: [
            series("lower 95%", { $0.averagePrecision.lower }, .dashed, "#999"),
            series("upper 95%", { $0.averagePrecision.upper }, .dashed, "#999"),
            series("AP", { $0.averagePrecision.estimate }, .line, "#1f5fa8"),
        ])
    }
}
