import FocalDatasets
import FocalTraining

/// A photo to add as a negative of the concept: it shows the elements that
/// stand in for the concept, without the concept.
public struct CounterExample: Codable, Sendable, Equatable {
    public struct ElementScore: Codable, Sendable, Equatable {
        public var name: String
        public var score: Double
        /// "annotation" (a region label says so) or "model" (the element scorer).
        public var source: String
    }
    public var image: String
    /// The driving elements it shows, most certain first.
    public var elements: [ElementScore]
    /// Mean score over the driving elements: how fully it shows the context.
    public var score: Double
    /// The concept's absence is known (the photo is labelled negative, or its
    /// regions are labelled and none is the concept); otherwise a person should check.
    public var verified: Bool
    /// The advised model's log-odds for the concept on the photo.
    public var conceptLogit: Double?
    /// The probability that the photo shows the concept after all, from the
    /// head that tells the concept from its context (`PresenceHead`).
    public var presence: Double?

    public init(image: String, elements: [ElementScore], score: Double, verified: Bool, conceptLogit: Double? = nil,
                presence: Double? = nil) {
        self.image = image
        self.elements = elements
        self.score = score
        self.verified = verified
        self.conceptLogit = conceptLogit
        self.presence = presence
    }
}

/// Searches a pool of photos for counter-examples by element scores.
public struct CounterExampleSearch {
    public var concept: String
    /// The elements that stand in for the concept (co-occurrence drivers).
    public var drivers: [String]
    /// A candidate must show at least this many drivers (at most all of them).
    public var minimumElements: Int

    public init(concept: String, drivers: [String], minimumElements: Int = 2) {
        self.concept = concept
        self.drivers = drivers
        self.minimumElements = min(minimumElements, drivers.count)
    }

    /// Whether a photo showing `elements` shows the context: at least
    /// `minimumElements` of the drivers (and at least one).
    public func showsContext(_ elements: Set<String>) -> Bool {
        !drivers.isEmpty && elements.intersection(drivers).count >= max(1, minimumElements)
    }

    /// - Parameters:
    ///   - pool: the candidate photos (already embedded in `features`, same order).
    ///   - scores: element scores per pool row (from `ElementScorer`), if any.
    ///   - conceptLogits: the advised model's log-odds for the concept per pool row, if known.
    ///   - presence: `PresenceHead`'s probability of the concept per pool row, if known.
    public func find(pool: [Sample], scores: [String: [Double]], conceptLogits: [Double]? = nil,
                     presence: [Double]? = nil) -> [CounterExample] {
        var found: [CounterExample] = []
        for (row, sample) in pool.enumerated() where !Elements.contains(sample, concept) {
            let annotated = Elements.known(in: sample, except: concept)
            let elements = drivers.map { name -> CounterExample.ElementScore in
                if annotated.contains(name) { return .init(name: name, score: 1, source: "annotation") }
                return .init(name: name, score: scores[name]?[row] ?? 0, source: "model")
            }
            let shown = elements.filter { $0.score >= 0.5 }
            guard showsContext(Set(shown.map(\.name))) else { continue }
            let verified = sample.label(concept) == false || !sample.regions.isEmpty
            found.append(CounterExample(image: sample.path, elements: shown.sorted { $0.score > $1.score },
                                        score: elements.map(\.score).reduce(0, +) / Double(elements.count),
                                        verified: verified, conceptLogit: conceptLogits?[row], presence: presence?[row]))
        }
        // Verified first, then the fullest context.
        return found.sorted { ($0.verified ? 1 : 0, $0.score, $1.image) > ($1.verified ? 1 : 0, $1.score, $0.image) }
    }
}
