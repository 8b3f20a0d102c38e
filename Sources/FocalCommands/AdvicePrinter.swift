import FocalAdvice
import FocalReport
import Foundation

/// The terminal form of `focal advise`: the finding in plain words first, then
/// the evidence behind it, then the proposal and (with --verify) the proof.
struct AdvicePrinter {
    let advice: Advice

    func print() {
        let a = advice
        Swift.print("\(a.concept): \(a.falsePositives.count) false positive\(a.falsePositives.count == 1 ? "" : "s")"
                    + (a.falsePositives.first.map { ", worst \($0.image) (score \(number($0.score, digits: 2)))" } ?? ""))
        if let d = a.conceptDescription { Swift.print("described as: \(d)") }
        Swift.print("\n" + a.summary)
        if let e = a.explanation {
            Swift.print("\nWhy it fires on \(e.image):")
            for r in e.regions {
                var names: [String] = []
                for n in r.names where n.source != "imagenet" && !names.contains(n.name) { names.append(n.name) }
                let shown = names.isEmpty ? r.names.prefix(1).map(\.name) : names
                Swift.print("  \(percent(r.share)) of the score  \(shown.joined(separator: ", "))  box \(r.box)")
            }
            Swift.print(e.focal ? "  the \(a.concept) itself is among the evidence" : "  no \(a.concept) is among the evidence: it is inferred from context")
        }

        let c = a.cooccurrence
        Swift.print("\nWhat comes with '\(a.concept)' in training (\(c.positives) positives, \(c.negatives) negatives):")
        Swift.print("  element        in positives   in negatives   lift   named as evidence")
        for e in c.elements.prefix(8) {
            Swift.print("  " + pad(e.name, 14) + pad("\(e.inPositives) (\(percent(e.positiveRate)))", 15)
                        + pad("\(e.inNegatives) (\(percent(e.negativeRate)))", 15) + pad(number(e.lift, digits: 1), 7)
                        + (e.namedAsEvidence ? "yes" : ""))
        }

        let f = a.focality
        Swift.print("\nPositives where '\(a.concept)' is not the focal point: \(f.notFocal.count) of \(f.judged)")
        for item in f.notFocal.prefix(5) { Swift.print("  \(item.image): \(item.reason)") }
        if f.notFocal.count > 5 { Swift.print("  … \(f.notFocal.count - 5) more (--json lists them all)") }
        f.unreadable.forEach { warn($0) }

        Swift.print("\nTraining images that raised the false positive's score most (exact influence on its log-odds):")
        for i in a.influence.prefix(5) {
            Swift.print("  +\(number(i.influence, digits: 3))  \(i.label)  \(i.image)  [\(i.elements.joined(separator: ", "))]")
        }

        let p = a.proposal
        Swift.print("\nProposal: remove \(p.remove.count) positive\(p.remove.count == 1 ? "" : "s"), add \(p.add.count) counter-example\(p.add.count == 1 ? "" : "s") as negatives of '\(a.concept)'")
        for r in p.remove.prefix(3) { Swift.print("  remove \(r.image)  (context carries \(percent(r.contextShare)))") }
        for x in p.add.prefix(3) {
            Swift.print("  add    \(x.image)  (\(x.elements.map(\.name).joined(separator: ", "))\(x.verified ? "" : "; check it has no \(a.concept)"))")
        }
        if let path = a.revision { Swift.print("\nwrote the new revision: \(path)") }
        if let v = a.verification { printVerification(v) }
    }

    func printVerification(_ v: Verification) {
        Swift.print("\nVerification on \(v.comparison.test):\n")
        printComparison(v.comparison)
        let scenes = v.drivers.isEmpty ? "context" : v.drivers.joined(separator: "+")
        Swift.print("\nFalse-positive rate on the \(v.contextImages) test images with \(scenes) and no \(advice.concept):")
        Swift.print("  revision 1 \(number(v.before.contextFalsePositiveRate))  →  revision 2 \(number(v.after.contextFalsePositiveRate))"
                    + "  (\(percent(v.relativeDrop)) lower)")
        Swift.print("  removing \(advice.proposal.remove.count) random positives instead (same additions, mean of \(v.random.seeds.count) seeds): \(number(v.random.mean.contextFalsePositiveRate))")
        Swift.print("F1 on the whole test set: \(number(v.before.f1)) → \(number(v.after.f1)) (change \(number(v.f1Change))); random control \(number(v.random.mean.f1))")
        Swift.print("Accuracy: \(number(v.before.accuracy)) → \(number(v.after.accuracy)); random control \(number(v.random.mean.accuracy))")
        Swift.print(v.beatsRandom ? "The proposal beats removing random positives." : "The proposal does not beat removing random positives.")
    }

    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s.padding(toLength: n, withPad: " ", startingAt: 0) }
    func percent(_ v: Double) -> String { Format.percent(v) }
}
