/// What kind of problem a finding reports. The raw values are the `kind`
/// strings of `focal check --json` (a contract with scripts).
public enum FindingKind: String, Codable, Sendable, CaseIterable {
    case tooFew = "too-few"
    case learningCurve = "learning-curve"
    case narrow
    case splitConcept = "split-concept"
    case mislabeled
    case duplicate
    case leakage
    case shift
    // Labels against a taxonomy (TaxonomyFindings).
    case missingParent = "missing-parent"
    case excludedTogether = "excluded-together"
    case notInTaxonomy = "not-in-taxonomy"
    case noData = "no-data"
    case noFittingImages = "no-fitting-images"
}

/// How much a finding should worry you. Ordered: `high` first.
///
/// - high: results measured on this data are likely wrong or the model will
///   fail where it is used (leakage, a test or target set the training data
///   does not cover, concepts that cannot be trained at all).
/// - medium: the model is worse than it needs to be, and there is a concrete fix.
/// - low: worth a look; often fine.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case high, medium, low

    var rank: Int {
        switch self {
        case .high: return 0
        case .medium: return 1
        case .low: return 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One problem found in a dataset, with the images that show it, most
/// suspicious first, and what to do about it.
public struct Finding: Codable, Sendable, Equatable {
    public var kind: FindingKind
    public var severity: Severity
    /// The concept it is about; nil for findings about images (duplicates, leakage, shift).
    public var concept: String?
    public var message: String
    /// Paths, most suspicious first.
    public var images: [String]
    /// A concrete next step.
    public var advice: String
    /// Sub-groups of `images` where the finding has them: the clusters of a
    /// split concept, or duplicate pairs (each group's paths are one image and its twins).
    public var groups: [[String]]?
    /// One number per image where the finding ranks by one: the out-of-fold
    /// probability of the given label (mislabeled), the similarity to the
    /// nearest training positive (narrow), P(target) (shift), the similarity
    /// to the training twin (leakage).
    public var scores: [Double]?
    /// Orders findings of the same severity: larger is worse (a share of
    /// images affected, an AUC above chance, ...).
    public var weight: Double
    /// The concept's description in the taxonomy, when there is one.
    public var description: String?

    public init(kind: FindingKind, severity: Severity, concept: String?, message: String, images: [String],
                advice: String, groups: [[String]]? = nil, scores: [Double]? = nil, weight: Double) {
        self.kind = kind
        self.severity = severity
        self.concept = concept
        self.message = message
        self.images = images
        self.advice = advice
        self.groups = groups
        self.scores = scores
        self.weight = weight
    }

    enum CodingKeys: String, CodingKey {
        case kind, severity, concept, message, images, advice, groups, scores, weight, description
    }

    /// Every key is always present: `concept` is null for findings about images, not left out.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(severity, forKey: .severity)
        try container.encode(concept, forKey: .concept)
        try container.encode(message, forKey: .message)
        try container.encode(images, forKey: .images)
        try container.encode(advice, forKey: .advice)
        try container.encodeIfPresent(groups, forKey: .groups)
        try container.encodeIfPresent(scores, forKey: .scores)
        try container.encode(weight, forKey: .weight)
        try container.encodeIfPresent(description, forKey: .description)
    }

    /// Severity first, then weight (worst first), then kind and concept for a stable order.
    public static func ranked(_ findings: [Finding]) -> [Finding] {
        findings.sorted { a, b in
            if a.severity != b.severity { return a.severity < b.severity }
            if a.weight != b.weight { return a.weight > b.weight }
            if a.kind != b.kind { return a.kind.rawValue < b.kind.rawValue }
            return (a.concept ?? "") < (b.concept ?? "")
        }
    }
}

/// "3 images" / "1 image".
func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

/// A share as a whole percentage: "12%".
func percent(_ x: Double) -> String { "\(Int((100 * x).rounded()))%" }
