/// Which unverified candidates to keep as counter-examples. A candidate whose
/// labels do not say it lacks the concept may show it anyway; taken as a
/// negative it would teach the model to miss the concept. Labelled candidates
/// are kept whatever they score.
public struct CounterExampleScreen: Sendable {
    public enum Rule: String, Codable, Sendable {
        /// `PresenceHead` finds the concept in the photo (its probability
        /// reaches the head's own threshold): set aside.
        case presence
        /// The advised model scores the photo above the median false positive:
        /// set aside. The false positives show what the context alone earns;
        /// a photo that scores above the typical one likely shows the concept
        /// as well. The fallback when no presence head can be trained.
        case medianFalsePositive = "median-false-positive"
    }

    public let rule: Rule
    /// With `.presence`, the head's probability threshold; with
    /// `.medianFalsePositive`, the median of the false positives' log-odds.
    public let ceiling: Double

    public init(rule: Rule, ceiling: Double) {
        self.rule = rule
        self.ceiling = ceiling
    }

    /// The rule of a trained presence head.
    public init(presence head: PresenceHead) { self.init(rule: .presence, ceiling: head.threshold) }

    /// The median rule (nil without a finite false-positive log-odds).
    public init?(falsePositiveLogits: [Double]) {
        let sorted = falsePositiveLogits.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return nil }
        let n = sorted.count
        self.init(rule: .medianFalsePositive, ceiling: n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2)
    }

    /// The candidates kept, and how many unverified ones were set aside. An
    /// unverified candidate without the value the rule reads is kept.
    public func screen(_ candidates: [CounterExample]) -> (kept: [CounterExample], setAside: Int) {
        let kept = candidates.filter { candidate in
            if candidate.verified { return true }
            switch rule {
            // `HeadModel.predict` calls a probability at the threshold positive.
            case .presence: return (candidate.presence ?? 0) < ceiling
            case .medianFalsePositive: return (candidate.conceptLogit ?? -.infinity) <= ceiling
            }
        }
        return (kept, candidates.count - kept.count)
    }
}
