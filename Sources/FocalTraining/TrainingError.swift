/// Why training could not start or finish.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case shapeMismatch(String)
    case tooFewExamples(concept: String, positives: Int, negatives: Int, needed: Int)
    case severalPositives(row: Int)
    case invalidOption(String)
    /// A feature that is NaN or infinite (0-based row and column).
    case nonFinite(row: Int, column: Int, value: Float)
    /// A model file whose contents do not make a usable model.
    case invalidModel(String)
    /// A concept the model does not have (its concepts listed).
    case unknownConcept(String, known: [String])

    public var description: String {
        switch self {
        case .shapeMismatch(let what): return "shape mismatch: \(what)"
        case let .tooFewExamples(concept, p, n, needed):
            return "concept '\(concept)' has \(p) positive and \(n) negative examples; at least \(needed) of each are needed"
        case .severalPositives(let row): return "row \(row) is positive for several concepts of an exclusive model"
        case .invalidOption(let what): return "invalid option: \(what)"
        case let .nonFinite(row, column, value):
            return "feature row \(row + 1), column \(column + 1) is \(value); features must be finite numbers"
        case .invalidModel(let what): return "not a usable model: \(what)"
        case let .unknownConcept(name, known): return "the model has no concept '\(name)' (it has \(known.joined(separator: ", ")))"
        }
    }
}
