import FocalHealth
import Foundation

/// The terminal form of a health report: findings ranked, each with its
/// images and next step, then a table of the numbers per concept.
struct CheckReportPrinter {
    var report: HealthReport
    var data: String

    func print() {
        let r = report
        out("focal check \(data): \(r.trainingImages) training images, \(r.testImages) test, \(r.targetImages) target; "
            + "\(r.concepts.count) concept\(r.concepts.count == 1 ? "" : "s")")
        if let t = r.taxonomy { out("taxonomy: \(t.file) (\(t.concepts.count) concept\(t.concepts.count == 1 ? "" : "s"))") }
        let bySeverity = Dictionary(grouping: r.findings, by: \.severity)
        if r.findings.isEmpty {
            out("\nNo problems found.")
        } else {
            out("\n\(r.findings.count) finding\(r.findings.count == 1 ? "" : "s") ("
                + Severity.allCases.map { "\(bySeverity[$0]?.count ?? 0) \($0.rawValue)" }.joined(separator: ", ") + "), worst first:")
        }
        for (i, f) in r.findings.enumerated() {
            out("\n\(i + 1). [\(f.severity.rawValue)] \(f.kind.rawValue)" + (f.concept.map { " · \($0)" } ?? ""))
            out("   \(f.message)")
            if let d = f.description, f.kind != .splitConcept, f.kind != .noFittingImages { out("   described as: \(d)") }
            if !f.images.isEmpty {
                let shown = f.images.prefix(5).joined(separator: "\n     ")
                out("   images:\n     \(shown)" + (f.images.count > 5 ? "\n     … and \(f.images.count - 5) more (--json lists all)" : ""))
            }
            out("   next: \(f.advice)")
        }
        guard !r.concepts.isEmpty else { return }
        out("\nconcept              pos   neg  spread groups  AP at 25/50/75/100% of the data     curve         label issues")
        for c in r.concepts {
            let curve = c.learningCurve.map { $0.points.map { number($0.averagePrecision.estimate, digits: 2) }.joined(separator: " ") } ?? "—"
            let verdict = c.learningCurve?.verdict.rawValue ?? "—"
            out(c.concept.padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(format: " %5d %5d  %5.2f  %5d   ", c.positives, c.negatives, c.spread, c.clusters)
                + curve.padding(toLength: 34, withPad: " ", startingAt: 0) + verdict.padding(toLength: 14, withPad: " ", startingAt: 0)
                + "\(c.labelIssues)")
        }
        let described = r.concepts.filter { $0.description != nil }
        if !described.isEmpty {
            out("\ndescriptions (taxonomy):")
            for c in described { out("  \(c.concept): \(c.description!)") }
        }
        if let s = r.shift {
            out("\ndomain classifier (training vs target): ROC AUC \(number(s.rocAUC.estimate)) [\(number(s.rocAUC.lower)), \(number(s.rocAUC.upper))] (0.5 = representative)")
        }
    }

    private func out(_ line: String) { Swift.print(line) }
}
