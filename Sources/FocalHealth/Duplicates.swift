/// Exact duplicates (the same bytes, by SHA-256 content hash) and near
/// duplicates (centred cosine similarity of embeddings at or above a
/// threshold) within the training data, and between training and test
/// (leakage: a test score that rewards memory rather than generalisation).
public struct Duplicates: Sendable {
    /// Centred cosine similarity at or above which two different files count as
    /// the same picture. Measured on the shipped 256-px scenes: a copy re-saved
    /// as JPEG (quality 90) scores 0.994-1.000; heavier edits (quality 60, a
    /// resize to 240 px, an 8-px crop) 0.69-0.96, so only some of them are
    /// caught; two different `apples` scenes score at most 0.83, while a few
    /// studio `pints` photos of the same set-up reach 0.9 and are reported.
    public static let defaultNearSimilarity: Float = 0.9
    public var nearSimilarity: Float

    public init(nearSimilarity: Float = Duplicates.defaultNearSimilarity) {
        self.nearSimilarity = nearSimilarity
    }

    /// A pair of images: indices into the sets compared, and their similarity (1 for the same bytes).
    public struct Pair: Sendable, Equatable {
        public var a: Int
        public var b: Int
        public var similarity: Float
        public var exact: Bool
    }

    /// Pairs within one set (a < b), exact ones first, then by similarity.
    public func within(_ x: UnitEmbeddings, hashes: [String?]) -> [Pair] {
        var pairs: [Pair] = []
        var firstWithHash: [String: [Int]] = [:]
        for (i, h) in hashes.enumerated() { if let h { firstWithHash[h, default: []].append(i) } }
        var exact = Set<[Int]>()
        for rows in firstWithHash.values where rows.count > 1 {
            for (m, a) in rows.enumerated() {
                for b in rows[(m + 1)...] {
                    pairs.append(Pair(a: a, b: b, similarity: 1, exact: true))
                    exact.insert([a, b])
                }
            }
        }
        forEachSimilarity(x, x) { a, b, s in
            if a < b, s >= nearSimilarity, !exact.contains([a, b]) { pairs.append(Pair(a: a, b: b, similarity: s, exact: false)) }
        }
        return sorted(pairs)
    }

    /// Pairs (a in `x`, b in `reference`) that are the same bytes or near duplicates.
    public func between(_ x: UnitEmbeddings, hashes: [String?], reference: UnitEmbeddings, referenceHashes: [String?]) -> [Pair] {
        var rowsOfHash: [String: [Int]] = [:]
        for (j, h) in referenceHashes.enumerated() { if let h { rowsOfHash[h, default: []].append(j) } }
        var pairs: [Pair] = []
        var exact = Set<[Int]>()
        for (i, h) in hashes.enumerated() {
            for j in h.flatMap({ rowsOfHash[$0] }) ?? [] {
                pairs.append(Pair(a: i, b: j, similarity: 1, exact: true))
                exact.insert([i, j])
            }
        }
        forEachSimilarity(x, reference) { a, b, s in
            if s >= nearSimilarity, !exact.contains([a, b]) { pairs.append(Pair(a: a, b: b, similarity: s, exact: false)) }
        }
        return sorted(pairs)
    }

    func sorted(_ pairs: [Pair]) -> [Pair] {
        pairs.sorted { ($0.exact ? 1 : 0, $0.similarity, -$0.a, -$0.b) > ($1.exact ? 1 : 0, $1.similarity, -$1.a, -$1.b) }
    }

    /// Calls `body(i, j, similarity)` for every row pair, a block of rows of `x` at a time (bounded memory).
    func forEachSimilarity(_ x: UnitEmbeddings, _ y: UnitEmbeddings, _ body: (Int, Int, Float) -> Void) {
        let block = 1024
        for start in stride(from: 0, to: x.rows, by: block) {
            let rows = Array(start..<min(x.rows, start + block))
            let s = x.subset(rows).similarities(to: y)
            for (local, i) in rows.enumerated() {
                for j in 0..<y.rows { body(i, j, s[local * y.rows + j]) }
            }
        }
    }
}

/// Duplicate and leakage findings from pairs, with paths.
enum DuplicateFindings {
    /// Within the data: duplicates waste labelling and weigh some images
    /// twice; twins with different labels are a label error in one of them.
    static func within(_ pairs: [Duplicates.Pair], paths: [String], conflicting: (Int, Int) -> Bool) -> Finding? {
        guard !pairs.isEmpty else { return nil }
        let exact = pairs.filter(\.exact).count
        let conflicts = pairs.filter { conflicting($0.a, $0.b) }
        let ordered = conflicts + pairs.filter { !conflicting($0.a, $0.b) }
        var images: [String] = []
        for p in ordered { for path in [paths[p.a], paths[p.b]] where !images.contains(path) { images.append(path) } }
        let example = ordered.prefix(3).map { "\(paths[$0.a]) = \(paths[$0.b])" + ($0.exact ? "" : " (\(number(Double($0.similarity))))") }
        return Finding(
            kind: .duplicate, severity: conflicts.isEmpty ? .low : .medium, concept: nil,
            message: "\(count(pairs.count, "duplicate pair")) in the data (\(exact) identical files, \(pairs.count - exact) near copies"
                + (conflicts.isEmpty ? "" : ", \(conflicts.count) with different labels") + "): " + example.joined(separator: "; "),
            images: images,
            advice: conflicts.isEmpty ? "keep one image of each pair" : "decide which label is right for each pair with different labels, then keep one image",
            groups: ordered.map { [paths[$0.a], paths[$0.b]] }, weight: Double(pairs.count))
    }

    /// Test images that are (near) copies of training images: their test score measures memory.
    static func leakage(_ pairs: [Duplicates.Pair], testPaths: [String], trainingPaths: [String], testCount: Int) -> Finding? {
        guard !pairs.isEmpty else { return nil }
        var images: [String] = [], groups: [String: [String]] = [:], scores: [Double] = []
        for p in pairs {
            let test = testPaths[p.a]
            if groups[test] == nil { images.append(test); groups[test] = [test]; scores.append(Double(p.similarity)) }
            groups[test]!.append(trainingPaths[p.b])
        }
        let example = images.prefix(3).map { "\($0) = \(groups[$0]![1])" }
        return Finding(
            kind: .leakage, severity: .high, concept: nil,
            message: "\(count(images.count, "test image")) of \(testCount) \(images.count == 1 ? "is a copy" : "are copies") of training images "
                + "(\(pairs.filter(\.exact).count) identical, \(pairs.filter { !$0.exact }.count) near): " + example.joined(separator: "; "),
            images: images,
            advice: "remove these images from the test set (or from training): test metrics that include them are too optimistic",
            groups: images.map { groups[$0]! }, scores: scores, weight: Double(images.count) / Double(max(testCount, 1)))
    }
}
