import FocalAdvice
import FocalImages
import Foundation

/// The report of `focal advise`: the finding in plain words, the explained
/// false positive, what co-occurs with the concept, the positives that are not
/// of it, the most influential training images, the proposal, and (with
/// --verify) the comparison that proves it.
public enum AdvicePage {
    public static func page(_ advice: Advice, folder: ReportFolder) -> ReportPage {
        ReportPage(title: "Advice: what taught '\(advice.concept)' its false positives",
                   subtitle: "model \(advice.model), training data \(advice.data)", sections: sections(advice, folder: folder))
    }

    /// Ids: advice-summary, explanation-…, advice-cooccurrence, advice-focality,
    /// advice-influence, advice-proposal, and with a verification advice-verification
    /// and comparison-…. `explained`: the explained photo at full size, when the
    /// caller has it decoded already.
    public static func sections(_ a: Advice, folder: ReportFolder, explained: RGBImage? = nil) -> [Section] {
        var sections = [Section(id: "advice-summary", title: "What to change", .paragraph(.strong(a.summary), class: "verdict"),
                                a.conceptDescription.map { .paragraph(.strong("'\(a.concept)' is described as: ") + HTML($0), class: "muted") } ?? .empty,
                                .paragraph(HTML("\(Format.count(a.falsePositives.count, "false positive")) of '\(a.concept)'"
                                                + (a.falsePositives.first.map { "; the worst, explained below: \($0.image)" } ?? "") + ".")))]
        if let e = a.explanation {
            sections += ExplanationPage.sections([e], folder: folder, decoded: explained.map { [e.image: $0] } ?? [:])
        }
        sections.append(cooccurrence(a))
        sections.append(focality(a, folder: folder))
        sections.append(Section(
            id: "advice-influence", title: "Training images that raised the false positives' score most",
            .paragraph("Exact influence on the log-odds of the false positives (first order, the head's Hessian solved with LAPACK).", class: "muted"),
            Gallery(images: a.influence.prefix(12).map {
                (path: $0.image, note: "+\(Format.number($0.influence, digits: 3)), \($0.label): \($0.elements.joined(separator: ", "))")
            }, folder: folder).html))
        sections.append(proposal(a, folder: folder))
        if let v = a.verification {
            sections.append(verification(v, concept: a.concept, removed: a.proposal.remove.count))
            sections += ComparisonPage.sections(v.comparison, folder: folder)
        }
        return sections
    }

    static func cooccurrence(_ a: Advice) -> Section {
        let c = a.cooccurrence
        let table = Table(
            caption: "elements in the \(c.positives) positives and \(c.negatives) negatives of '\(c.concept)'",
            columns: ["element", "in positives", "in negatives", "lift", "named as evidence", "driver"],
            rows: c.elements.map { e in
                [.text(e.name), .number("\(e.inPositives) (\(Format.percent(e.positiveRate)))"),
                 .number("\(e.inNegatives) (\(Format.percent(e.negativeRate)))"), .number(Format.number(e.lift, digits: 1)),
                 .text(e.namedAsEvidence ? "yes" : ""), .text(a.drivers.contains(e.name) ? "yes" : "")]
            })
        return Section(id: "advice-cooccurrence", title: "What comes with '\(a.concept)'", table.html,
                       .paragraph("Lift: P(element | positive) / P(element | negative). Drivers: lift ≥ 2 in ≥ 20% of the positives.", class: "muted"))
    }

    static func focality(_ a: Advice, folder: ReportFolder) -> Section {
        let f = a.focality
        return Section(
            id: "advice-focality", title: "Positives that are not of '\(a.concept)'",
            .paragraph(HTML("\(f.notFocal.count) of \(f.judged) positives: the \(a.concept)'s own region carries less than "
                            + "\(Format.percent(f.threshold)) of the score; context carries the rest.")),
            Gallery(images: f.notFocal.prefix(24).map {
                (path: $0.image, note: "own \(Format.percent($0.ownShare)), context \(Format.percent($0.contextShare))")
            }, folder: folder, emptyText: "every positive is focal").html,
            f.notFocal.count > 24 ? .paragraph(HTML("… and \(f.notFocal.count - 24) more (advice JSON lists them all)."), class: "muted") : .empty)
    }

    static func proposal(_ a: Advice, folder: ReportFolder) -> Section {
        let p = a.proposal
        return Section(
            id: "advice-proposal", title: "The proposal",
            .paragraph(HTML("Remove \(Format.count(p.remove.count, "positive")); add \(Format.count(p.add.count, "counter-example")) as negatives of '\(a.concept)'.")
                       + (a.revision.map { HTML(" Written as ") + .code($0) + HTML(".") } ?? .empty)),
            .heading(3, "Counter-examples to add"),
            Gallery(images: p.add.prefix(24).map {
                (path: $0.image, note: $0.elements.map(\.name).joined(separator: ", ") + ($0.verified ? "" : " (check: unlabelled)"))
            }, folder: folder, emptyText: "no pool given, or nothing in it shows the drivers without the concept").html,
            .heading(3, "Positives to remove"),
            Gallery(images: p.remove.prefix(12).map { (path: $0.image, note: "context \(Format.percent($0.contextShare))") },
                    folder: folder, emptyText: "none").html)
    }

    static func verification(_ v: Verification, concept: String, removed: Int) -> Section {
        let scenes = v.drivers.joined(separator: "+")
        func row(_ name: String, _ f: Verification.Figures) -> [Table.Cell] {
            [.text(name), .number(Format.number(f.contextFalsePositiveRate)), .number(Format.number(f.f1)), .number(Format.number(f.accuracy))]
        }
        let table = Table(
            caption: "false-positive rate on the \(v.contextImages) test images with \(scenes) and no \(concept); F1 and accuracy on the whole test set",
            columns: ["training set", "context false-positive rate", "F1", "accuracy"],
            rows: [row("revision 1", v.before), row("revision 2 (the proposal)", v.after),
                   row("\(removed) random positives removed (mean of \(v.random.seeds.count) seeds)", v.random.mean)],
            rowHeaders: true)
        return Section(
            id: "advice-verification", title: "Proof: revision 1 against revision 2",
            .paragraph(.strong("The context false-positive rate falls by \(Format.percent(v.relativeDrop)); F1 changes by "
                               + "\(Format.number(v.f1Change)). " + (v.beatsRandom ? "The proposal beats removing random positives."
                                                                                   : "The proposal does not beat removing random positives.")),
                       class: "verdict"),
            table.html)
    }
}
