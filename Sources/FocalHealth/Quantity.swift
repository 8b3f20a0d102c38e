/// Examples per concept against documented floors.
///
/// - fewer than `minimumPerClass` (10) positives or negatives: high. A 5-fold
///   cross-validation then holds out fewer than 2 of them per fold; neither C,
///   the threshold nor any metric measured on them means much, and there is
///   no learning curve.
/// - fewer than `floorPerClass` (30): medium. Linear probes on backbone
///   features typically still gain markedly up to a few dozen examples per
///   class; the learning curve says whether this concept does.
public enum Quantity {
    public static let minimumPerClass = 10
    public static let floorPerClass = 30

    static func finding(concept: String, positives: Int, negatives: Int) -> Finding? {
        let fewest = min(positives, negatives)
        guard fewest < floorPerClass else { return nil }
        let which = positives <= negatives ? "positives" : "negatives"
        let severity: Severity = fewest < minimumPerClass ? .high : .medium
        let what = fewest == 0
            ? "has no \(which): it cannot be trained"
            : "has only \(fewest) \(which) (\(positives) positives, \(negatives) negatives; floor \(floorPerClass) of each)"
        return Finding(
            kind: .tooFew, severity: severity, concept: concept, message: "\(concept) \(what)",
            images: [],
            advice: "label at least \(floorPerClass - fewest) more \(which) of \(concept)"
                + (which == "negatives" ? " (images that do not show it, especially ones easily confused with it)" : ""),
            weight: Double(floorPerClass - fewest) / Double(floorPerClass))
    }
}
