import FocalExplain

/// Everything `focal advise` found, as the JSON document it prints.
public struct Advice: Codable, Sendable {
    public struct FalsePositive: Codable, Sendable, Equatable {
        public var image: String
        public var score: Double
    }
    public struct Influential: Codable, Sendable, Equatable {
        public var image: String
        /// How much the sample raised the false positives' mean logit.
        public var influence: Double
        public var label: String
        public var elements: [String]
    }
    public struct FocalitySummary: Codable, Sendable {
        public var threshold: Double
        public var judged: Int
        /// The positives whose score is carried by context, most context first.
        public var notFocal: [Focality]
        public var unreadable: [String]
        /// Positives judged from their map (no region label for the concept):
        /// weaker than with a label, since the advised model finds its own evidence there.
        public var withoutRegionLabels: Int
    }

    public var model: String
    public var data: String
    public var concept: String
    public var falsePositives: [FalsePositive]
    /// The explanation of the worst false positive.
    public var explanation: Explanation?
    public var cooccurrence: CoOccurrence
    /// The elements that stand in for the concept, named as evidence first.
    public var drivers: [String]
    public var focality: FocalitySummary
    /// The training samples that raised the false positives' score most.
    public var influence: [Influential]
    public var proposal: Proposal
    public var summary: String
    /// The manifest `--write` wrote.
    public var revision: String?
    public var verification: Verification?
    /// The concept's description in the taxonomy, when one was given.
    public var conceptDescription: String? = nil
}

/// Why the advisor cannot judge (bad input): nothing is written.
public struct AdviceError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
