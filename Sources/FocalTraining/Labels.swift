/// What one photo says about one concept.
///
/// Negatives are first-class: a photo counts against a concept only when someone
/// said so (or, as an option, when it shows another concept, see `NegativePolicy`);
/// `unknown` photos take no part in that concept's loss or metrics.
public enum ConceptLabel: Int8, Codable, Sendable {
    case negative = 0
    case positive = 1
    case unknown = -1
}

/// Labels for `rows` samples × `concepts` concepts, row-major.
public struct LabelMatrix: Sendable, Equatable {
    public let rows: Int
    public let concepts: Int
    public internal(set) var values: [ConceptLabel]

    public init(rows: Int, concepts: Int, values: [ConceptLabel]) {
        precondition(concepts > 0, "labels need at least one concept")
        precondition(values.count == rows * concepts, "\(values.count) labels for \(rows)×\(concepts)")
        self.rows = rows
        self.concepts = concepts
        self.values = values
    }

    /// One row per sample.
    public init(_ rows: [[ConceptLabel]]) {
        precondition(!rows.isEmpty, "no rows")
        let k = rows[0].count
        precondition(rows.allSatisfy { $0.count == k }, "rows of different lengths")
        self.init(rows: rows.count, concepts: k, values: rows.flatMap { $0 })
    }

    /// Exclusive concepts given as one class index per sample (nil: not labelled):
    /// positive for that class, negative for every other.
    public init(classes: [Int?], concepts: Int) {
        var values = [ConceptLabel](repeating: .unknown, count: classes.count * concepts)
        for (i, c) in classes.enumerated() {
            guard let c else { continue }
            precondition(c >= 0 && c < concepts, "class \(c) out of 0..<\(concepts)")
            for k in 0..<concepts { values[i * concepts + k] = k == c ? .positive : .negative }
        }
        self.init(rows: classes.count, concepts: concepts, values: values)
    }

    public subscript(row: Int, concept: Int) -> ConceptLabel {
        get { values[row * concepts + concept] }
        set { values[row * concepts + concept] = newValue }
    }

    public func rows(_ indices: [Int]) -> LabelMatrix {
        var out = [ConceptLabel]()
        out.reserveCapacity(indices.count * concepts)
        for i in indices { out += values[(i * concepts)..<((i + 1) * concepts)] }
        return LabelMatrix(rows: indices.count, concepts: concepts, values: out)
    }

    /// The one positive concept of a row for exclusive models: nil when the row
    /// has no positive (it is then left out); throws when it has two.
    public func exclusiveClass(row i: Int) throws -> Int? {
        var found: Int?
        for k in 0..<concepts where self[i, k] == .positive {
            if found != nil { throw TrainingError.severalPositives(row: i) }
            found = k
        }
        return found
    }

    /// The labels a one-vs-rest model trains on, after `policy`.
    public func applying(_ policy: NegativePolicy) -> LabelMatrix {
        guard policy == .includeOtherPositives else { return self }
        var out = self
        for i in 0..<rows {
            let hasPositive = (0..<concepts).contains { self[i, $0] == .positive }
            guard hasPositive else { continue }
            for k in 0..<concepts where self[i, k] == .unknown { out[i, k] = .negative }
        }
        return out
    }
}

/// Which samples count as negatives for a concept in one-vs-rest training.
public enum NegativePolicy: String, Codable, Sendable {
    /// Only samples labelled negative for it (the default: an unlabelled photo
    /// may well show the concept, so it teaches nothing either way).
    case labelledOnly
    /// Also samples positive for some other concept and unknown for this one:
    /// useful when concepts rarely co-occur and negatives were never written down.
    case includeOtherPositives
}

/// How samples are weighted within each concept's loss.
public enum ClassWeight: String, Codable, Sendable {
    /// s = n / (classes · n_class) per concept, scikit-learn's
    /// `class_weight='balanced'`: both classes carry equal total weight, so a
    /// concept with few positives is not learned as "always no". (The weights sum
    /// to n, so C keeps its meaning.)
    case balanced
    /// Every labelled sample weighs 1.
    case uniform
}
