/// Narrow scope: positives of a test or target set that lie farther from every
/// training positive than training positives lie from each other (green
/// training apples against red test apples).
///
/// The yardstick is the training positives' own spacing: each one's
/// similarity to its nearest other training positive. An image is far when
/// its nearest training positive is less similar than the 5th percentile of
/// that spacing, so positives drawn like the training ones are far about 5%
/// of the time; a share of several times that is a gap.
public struct ScopeGap: Sendable {
    /// The percentile of the training positives' nearest-neighbour similarity below which an image is far.
    public static let coverageQuantile = 0.05
    /// Far share (with at least `minimumFar` images) that makes a finding, and that makes it high.
    public static let findingShare = 0.15, highShare = 0.25
    public static let minimumFar = 3

    /// The similarity below which an image is far from `training` (nil with fewer than 2 rows).
    public static func radius(_ training: UnitEmbeddings) -> Float? {
        guard training.rows >= 2 else { return nil }
        let spacing = training.nearest(in: training, excludingSelf: true).map(\.similarity).sorted()
        let position = coverageQuantile * Double(spacing.count - 1)
        let lo = Int(position), hi = min(lo + 1, spacing.count - 1)
        return spacing[lo] + (spacing[hi] - spacing[lo]) * Float(position - Double(lo))
    }

    /// Rows of `other` far from every row of `training`, farthest first, with their nearest similarity.
    public static func far(_ other: UnitEmbeddings, from training: UnitEmbeddings) -> (radius: Float, rows: [(row: Int, similarity: Float)])? {
        guard let radius = radius(training) else { return nil }
        let nearest = other.nearest(in: training)
        let rows = nearest.indices.filter { nearest[$0].similarity < radius }
            .map { (row: $0, similarity: nearest[$0].similarity) }
            .sorted { $0.similarity < $1.similarity }
        return (radius, rows)
    }

    /// The finding for one concept and one compared set ("test", "target").
    static func finding(concept: String, setName: String, far: [(path: String, similarity: Float)], positives: Int,
                        colourWords: String?) -> Finding? {
        let share = Double(far.count) / Double(max(positives, 1))
        guard far.count >= minimumFar, share >= findingShare else { return nil }
        return Finding(
            kind: .narrow, severity: share >= highShare ? .high : .medium, concept: concept,
            message: "\(concept): \(far.count) of \(positives) \(setName) positives (\(percent(share))) lie farther from every training "
                + "\(concept) than training \(concept) positives lie from each other"
                + (colourWords.map { "; \($0)" } ?? "") + " (e.g. " + far.prefix(3).map(\.path).joined(separator: ", ") + ")",
            images: far.map(\.path),
            advice: "add training positives of \(concept) like these, or narrow what \(concept) means to what the training set covers",
            scores: far.map { Double($0.similarity) }, weight: share)
    }
}

/// Composition: a concept whose positives split into visually distinct groups
/// is probably two concepts under one name (or cast too wide).
enum Composition {
    static func finding(concept: String, clustering: Clustering, paths: [String], colours: [ColourStatistics?]) -> Finding? {
        guard clustering.k >= 2 else { return nil }
        let groups = clustering.members.map { $0.map { paths[$0] } }
        let described = clustering.members.enumerated().map { g, rows -> String in
            let hue = ColourStatistics.mean(rows.compactMap { colours[$0] })?.dominantHue
            return "group \(g + 1): \(count(rows.count, "image"))" + (hue.map { ", mostly \($0)" } ?? "")
                + " (e.g. " + rows.prefix(2).map { paths[$0] }.joined(separator: ", ") + ")"
        }
        var images: [String] = []
        for group in groups { images += group.prefix(5) }
        return Finding(
            kind: .splitConcept, severity: .medium, concept: concept,
            message: "\(concept): its positives split into \(clustering.k) visually distinct groups (silhouette "
                + "\(number(clustering.silhouette, digits: 2))): " + described.joined(separator: "; "),
            images: images,
            advice: "if the groups are different things, split \(concept) into \(clustering.k) concepts; if not, narrow its definition or add positives between them",
            groups: groups, weight: clustering.silhouette)
    }
}
