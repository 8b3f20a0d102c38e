/// A model file is checked as a whole when it is read: every array's length
/// against `concepts` and the feature dimension, and every number that scores
/// an image finite (scales positive). A file that fails is refused with the
/// first fault, rather than scored by reading past an array or through a NaN.
extension HeadModel {
    public func validate() throws {
        func fault(_ what: String) -> TrainingError { .invalidModel(what) }
        let k = concepts.count, d = featureCount
        guard k > 0 else { throw fault("no concepts") }
        if let empty = concepts.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw fault("concept \(empty + 1) has no name")
        }
        if Set(concepts).count != k { throw fault("a concept is named twice") }
        guard d > 0 else { throw fault("no features (standardization.mean is empty)") }
        guard standardization.scale.count == d else {
            throw fault("\(standardization.scale.count) standardization scales for \(d) means")
        }
        if let j = standardization.mean.firstIndex(where: { !$0.isFinite }) { throw fault("standardization mean \(j) is not finite") }
        if let j = standardization.scale.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw fault("standardization scale \(j) is \(standardization.scale[j]); scales must be positive and finite")
        }
        guard weights.count == k else { throw fault("\(weights.count) weight rows for \(k) concepts") }
        for (c, row) in weights.enumerated() {
            guard row.count == d else { throw fault("weight row \(c + 1) (\(concepts[c])) has \(row.count) values for \(d) features") }
            if let j = row.firstIndex(where: { !$0.isFinite }) { throw fault("weight \(j) of \(concepts[c]) is not finite") }
        }
        guard intercepts.count == k else { throw fault("\(intercepts.count) intercepts for \(k) concepts") }
        if let c = intercepts.firstIndex(where: { !$0.isFinite }) { throw fault("the intercept of \(concepts[c]) is not finite") }
        switch mode {
        case .multiLabel:
            guard thresholds.count == k else { throw fault("\(thresholds.count) thresholds for \(k) concepts") }
            if let c = thresholds.firstIndex(where: { !($0.isFinite && $0 >= 0 && $0 <= 1) }) {
                throw fault("the threshold of \(concepts[c]) is \(thresholds[c]); thresholds are probabilities in [0, 1]")
            }
        case .exclusive:
            guard k >= 2 else { throw fault("an exclusive model needs at least two concepts") }
        }
        if let c = regularization.first(where: { !($0.isFinite && $0 > 0) }) { throw fault("regularization C \(c) is not positive") }
        guard training.positives.count == k, training.negatives.count == k else {
            throw fault("the training record counts \(training.positives.count) positives and \(training.negatives.count) negatives for \(k) concepts")
        }
    }
}

/// A JSON decoding fault in words a user can act on: which key, at which
/// path, and what was wrong, instead of Foundation's "The data isn't in the
/// correct format".
public func describe(_ error: DecodingError) -> String {
    func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }
    switch error {
    case .keyNotFound(let key, let context):
        let parent = context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))"
        return "missing '\(key.stringValue)'\(parent)"
    case .typeMismatch(let type, let context):
        return "\(path(context.codingPath)) is not \(typeName(type))"
    case .valueNotFound(let type, let context):
        return "\(path(context.codingPath)) is null, expected \(typeName(type))"
    case .dataCorrupted(let context):
        if context.codingPath.isEmpty { return "not JSON" }
        return "\(path(context.codingPath)) is invalid: \(context.debugDescription)"
    @unknown default:
        return "\(error)"
    }
}

private func typeName(_ type: Any.Type) -> String {
    switch type {
    case is Double.Type, is Float.Type: return "a number"
    case is Int.Type: return "an integer"
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    default:
        let name = "\(type)"
        if name.hasPrefix("Array") { return "a list" }
        if name.hasPrefix("Dictionary") { return "an object" }
        return "the expected \(name)"
    }
}
