/// Likely mislabelled images by confident learning (Northcutt, Jiang & Chuang
/// 2021; cleanlab's `find_label_issues` with `filter_by="confident_learning"`),
/// one concept at a time as a two-class problem.
///
/// From out-of-fold probabilities p = P(positive): each class's threshold is
/// the model's mean confidence in that class over the rows labelled with it
/// (t₁ = mean p over labelled positives, t₀ = mean 1 − p over labelled
/// negatives). A row is confidently of a class when its probability of that
/// class reaches the class's threshold (the larger when both do). Rows whose
/// confident class differs from their label (the off-diagonal of the
/// confident joint) are the label issues, ranked by self-confidence, the
/// out-of-fold probability of the given label, lowest (most suspicious) first.
public enum ConfidentLearning {
    /// Indices into `probabilities` of the likely label errors, most suspicious first.
    public static func labelIssues(probabilities p: [Double], given positive: [Bool]) -> [Int] {
        precondition(p.count == positive.count)
        let positives = p.indices.filter { positive[$0] }, negatives = p.indices.filter { !positive[$0] }
        guard !positives.isEmpty, !negatives.isEmpty else { return [] }
        let t1 = positives.map { p[$0] }.reduce(0, +) / Double(positives.count)
        let t0 = negatives.map { 1 - p[$0] }.reduce(0, +) / Double(negatives.count)
        var issues: [Int] = []
        for i in p.indices {
            let saysPositive = p[i] >= t1, saysNegative = 1 - p[i] >= t0
            let confident: Bool?
            switch (saysPositive, saysNegative) {
            case (true, true): confident = p[i] >= 0.5
            case (true, false): confident = true
            case (false, true): confident = false
            case (false, false): confident = nil
            }
            if let confident, confident != positive[i] { issues.append(i) }
        }
        return issues.sorted { selfConfidence(p[$0], positive[$0]) < selfConfidence(p[$1], positive[$1]) }
    }

    /// The out-of-fold probability of the label as given.
    public static func selfConfidence(_ p: Double, _ positive: Bool) -> Double { positive ? p : 1 - p }
}

/// One concept's likely label errors, as a finding.
struct LabelIssueReport {
    var concept: String
    var labelled: Int
    /// Paths with the given label and the self-confidence, most suspicious first.
    var issues: [(path: String, positive: Bool, selfConfidence: Double)]
    /// Out-of-fold AP on the rows not flagged: how far the model that flags
    /// can be trusted. A weak model's confident mistakes look like label errors.
    var averagePrecisionWithoutIssues: Double

    /// Share of labelled images flagged at which the finding is high: above
    /// what a good head's own mistakes produce on clean generated data (under
    /// 2% on the shipped scenes), below what 5% of flipped labels produce.
    static let highShare = 0.03
    /// The AP (on the unflagged rows) a concept's model needs for its flags to
    /// be high: below it, many flags are hard images rather than wrong labels.
    static let trustedAveragePrecision = 0.95

    var finding: Finding? {
        guard !issues.isEmpty else { return nil }
        let share = Double(issues.count) / Double(max(labelled, 1))
        let asPositive = issues.filter(\.positive).count
        let trusted = averagePrecisionWithoutIssues >= Self.trustedAveragePrecision
        let severity: Severity = share >= Self.highShare && issues.count >= 3 && trusted ? .high : issues.count >= 3 ? .medium : .low
        return Finding(
            kind: .mislabeled, severity: severity, concept: concept,
            message: "\(concept): \(count(issues.count, "label")) of \(labelled) \(issues.count == 1 ? "looks" : "look") wrong (\(percent(share))): "
                + "\(asPositive) labelled positive but looking negative, \(issues.count - asPositive) labelled negative but looking positive "
                + "(confident learning on out-of-fold probabilities)"
                + (trusted ? "" : "; the model is weak on \(concept) (AP \(number(averagePrecisionWithoutIssues)) without them), so some may be hard images rather than wrong labels"),
            images: issues.map(\.path), 
            advice: "look at these images first and fix the \(concept) label in the manifest where it is wrong",
            scores: issues.map(\.selfConfidence), weight: share)
    }
}
