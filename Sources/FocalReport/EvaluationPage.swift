import FocalConcepts
import FocalTraining

/// The report of `focal evaluate`: a metric table with intervals, per concept
/// its PR, ROC and calibration plots and its worst mistakes, and the
/// confusion matrix of an exclusive model.
public enum EvaluationPage {
    public static func page(_ report: EvaluationReport, folder: ReportFolder) -> ReportPage {
        ReportPage(title: "Evaluation: \(report.concepts.map(\.concept).joined(separator: ", "))",
                   subtitle: "\(report.model) on \(report.dataset)", sections: sections(report, folder: folder))
    }

    /// Ids: "evaluation-summary", "evaluation-<concept slug>", "confusion-matrix".
    public static func sections(_ report: EvaluationReport, folder: ReportFolder) -> [Section] {
        var sections = [summary(report)]
        sections += report.concepts.map { concept($0, folder: folder) }
        if let matrix = report.confusionMatrix {
            sections.append(Section(id: "confusion-matrix", title: "Confusion matrix",
                                    Table.confusionMatrix(classes: report.concepts.map(\.concept), matrix: matrix).html))
        }
        return sections
    }

    static func summary(_ r: EvaluationReport) -> Section {
        let facts = HTML.list([
            HTML("model: ") + .code(r.model),
            HTML("test set: ") + .code(r.dataset) + HTML(" (\(r.samples) images" + (r.skipped.isEmpty ? ")" : ", \(r.skipped.count) unreadable)")),
            HTML("exact-match accuracy: \(Format.interval(r.exactMatchAccuracy))"),
        ])
        let table = Table(
            caption: "estimates with bootstrap 95% intervals",
            columns: ["concept", "positives", "negatives", "threshold", "precision", "recall", "F1",
                      "false-positive rate", "AP", "ROC AUC", "accuracy", "calibration error"],
            rows: r.concepts.map { c in
                [.text(c.concept), .number(String(c.positives)), .number(String(c.negatives)), .number(Format.number(c.threshold)),
                 .number(Format.interval(c.precision)), .number(Format.interval(c.recall)), .number(Format.interval(c.f1)),
                 .number(Format.interval(c.falsePositiveRate)), .number(Format.interval(c.averagePrecision)),
                 .number(Format.interval(c.rocAUC)), .number(Format.number(c.accuracy)), .number(Format.number(c.calibrationError))]
            },
            rowHeaders: true)
        return Section(id: "evaluation-summary", title: "Metrics", facts, table.html)
    }

    static func concept(_ c: EvaluationReport.ConceptMetrics, folder: ReportFolder) -> Section {
        var plots: [HTML] = []
        if let curves = c.curves {
            let total = c.positives + c.negatives
            plots = [
                Plot.precisionRecall(curves.precisionRecall, averagePrecision: c.averagePrecision.estimate,
                                     positiveRate: total == 0 ? 0 : Double(c.positives) / Double(total)).svg,
                Plot.roc(curves.roc, auc: c.rocAUC.estimate).svg,
                Plot.calibration(curves.calibration, error: c.calibrationError).svg,
            ]
        }
        let falsePositives = Gallery(images: c.worstFalsePositives.map { ($0.image, "P = \(Format.number($0.score, digits: 2))") },
                                     folder: folder, emptyText: "no false positive")
        let falseNegatives = Gallery(images: c.worstFalseNegatives.map { ($0.image, "P = \(Format.number($0.score, digits: 2))") },
                                     folder: folder, emptyText: "no false negative")
        return Section(
            id: "evaluation-" + Format.slug(c.concept), title: c.concept,
            c.description.map { .paragraph(.strong("Described as: ") + HTML($0), class: "muted") } ?? .empty,
            .paragraph(HTML("\(c.positives) positives, \(c.negatives) negatives; F1 \(Format.interval(c.f1)), "
                            + "false-positive rate \(Format.interval(c.falsePositiveRate))")),
            plots.isEmpty ? .paragraph("no curves in this report", class: "muted") : .element("div", ["class": "plots"], children: plots),
            .heading(3, "Worst false positives (negatives scored highest)"), falsePositives.html,
            .heading(3, "Worst false negatives (positives scored lowest)"), falseNegatives.html)
    }
}
