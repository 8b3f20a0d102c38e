import FocalDatasets

/// Which elements come with a concept: how often each appears in the concept's
/// training positives versus its negatives. A high lift means the model can
/// learn the element as a stand-in for the concept.
public struct CoOccurrence: Codable, Sendable {
    public struct Element: Codable, Sendable, Equatable {
        public var name: String
        public var inPositives: Int
        public var inNegatives: Int
        public var positiveRate: Double
        public var negativeRate: Double
        /// P(element | positive) / P(element | negative), each with add-one-half
        /// smoothing so an element absent from the negatives has a finite lift.
        public var lift: Double
        /// The explanation of the false positive named it among the evidence.
        public var namedAsEvidence: Bool
    }

    public var concept: String
    public var positives: Int
    public var negatives: Int
    /// Largest lift first.
    public var elements: [Element]

    public init(concept: String, samples: [Sample], evidence: Set<String> = []) {
        let positive = samples.filter { $0.label(concept) == true }
        let negative = samples.filter { $0.label(concept) == false }
        var countsP: [String: Int] = [:], countsN: [String: Int] = [:]
        for s in positive { for e in Elements.known(in: s, except: concept) { countsP[e, default: 0] += 1 } }
        for s in negative { for e in Elements.known(in: s, except: concept) { countsN[e, default: 0] += 1 } }
        let names = Set(countsP.keys).union(countsN.keys)
        self.concept = concept
        positives = positive.count
        negatives = negative.count
        elements = names.map { name in
            let a = countsP[name, default: 0], b = countsN[name, default: 0]
            let rateP = positive.isEmpty ? 0 : Double(a) / Double(positive.count)
            let rateN = negative.isEmpty ? 0 : Double(b) / Double(negative.count)
            let lift = ((Double(a) + 0.5) / (Double(positive.count) + 1)) / ((Double(b) + 0.5) / (Double(negative.count) + 1))
            return Element(name: name, inPositives: a, inNegatives: b, positiveRate: rateP, negativeRate: rateN,
                           lift: lift, namedAsEvidence: evidence.contains(name))
        }.sorted { ($0.lift, $0.name) > ($1.lift, $1.name) }
    }

    /// Elements that stand in for the concept: lift ≥ `minimumLift` and present
    /// in at least `minimumRate` of the positives. When the explanation named
    /// some of them, those come first.
    public func drivers(minimumLift: Double = 2, minimumRate: Double = 0.2) -> [Element] {
        let strong = elements.filter { $0.lift >= minimumLift && $0.positiveRate >= minimumRate }
        return strong.filter(\.namedAsEvidence) + strong.filter { !$0.namedAsEvidence }
    }
}
