import FocalNumerics
import FocalTraining

/// Groups of visually similar images among a set of embeddings (one concept's
/// positives): spherical k-means, with k chosen by the mean silhouette.
public struct Clustering: Sendable, Equatable {
    /// Number of groups; 1 when no split into 2...`maxK` groups is clearly better than none.
    public var k: Int
    /// The group of every input row.
    public var assignments: [Int]
    /// The mean silhouette of the chosen k (−1...1; NaN when k = 1): how much
    /// closer images are to their own group than to the next one.
    public var silhouette: Double
    /// The rows of each group, largest group first, most typical (nearest the
    /// group's centre) first within each.
    public var members: [[Int]]
}

public enum Clusters {
    /// Below this mean silhouette a set is one group. Kaufman & Rousseeuw read
    /// 0.26-0.50 as "weak structure, could be artificial" and above 0.50 as
    /// "reasonable structure". Measured on centred embeddings of the shipped
    /// scenes: every fruit concept of `apples` scores 0.20-0.32 at its best k,
    /// a concept made of 60 apple scenes and 60 pint photos 0.62.
    public static let minimumSilhouette = 0.5
    /// Larger sets are clustered on a seeded sample of this many rows (the
    /// silhouette costs n²), and every row then joins its nearest centre.
    public static let sampleLimit = 600

    /// The best grouping of `x` into 1...maxK groups, each of at least `minimumSize` rows.
    public static func best(_ x: UnitEmbeddings, maxK: Int = 5, minimumSize: Int = 5, seed: UInt64 = 0) -> Clustering {
        let one = Clustering(k: 1, assignments: [Int](repeating: 0, count: x.rows), silhouette: .nan,
                             members: [order(Array(0..<x.rows), x, centre: centroid(x, Array(0..<x.rows)))])
        guard x.rows >= 2 * minimumSize else { return one }
        var random = SplitMix64(seed: seed)
        var sampleRows = Array(0..<x.rows)
        if x.rows > sampleLimit {
            random.shuffle(&sampleRows)
            sampleRows = Array(sampleRows.prefix(sampleLimit)).sorted()
        }
        let sample = x.subset(sampleRows)
        let similarity = sample.similarities(to: sample)
        var best: (score: Double, centres: UnitEmbeddings)?
        for k in 2...max(2, min(maxK, sample.rows / minimumSize)) {
            let (assignment, centres) = kMeans(sample, k: k, similarity: similarity, random: &random)
            var sizes = [Int](repeating: 0, count: k)
            for a in assignment { sizes[a] += 1 }
            guard sizes.allSatisfy({ $0 >= minimumSize }) else { continue }
            let score = silhouette(similarity, n: sample.rows, assignment: assignment, k: k)
            if score > (best?.score ?? minimumSilhouette) { best = (score, centres) }
        }
        guard let best else { return one }
        let assignments = assign(x, to: best.centres)
        var groups = [[Int]](repeating: [], count: best.centres.rows)
        for (i, a) in assignments.enumerated() { groups[a].append(i) }
        groups = groups.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        guard groups.count >= 2 else { return one }
        var relabelled = [Int](repeating: 0, count: x.rows)
        for (g, rows) in groups.enumerated() { for i in rows { relabelled[i] = g } }
        return Clustering(k: groups.count, assignments: relabelled, silhouette: best.score,
                          members: groups.map { order($0, x, centre: centroid(x, $0)) })
    }

    /// Spherical k-means (unit centres, cosine assignment) from a k-means++
    /// start; 3 starts, the one with the highest total similarity kept.
    static func kMeans(_ x: UnitEmbeddings, k: Int, similarity: [Float], random: inout SplitMix64) -> ([Int], UnitEmbeddings) {
        let n = x.rows
        var best: (total: Double, assignment: [Int], centres: UnitEmbeddings)?
        for _ in 0..<3 {
            // k-means++: each next seed drawn with probability ∝ squared distance to the nearest seed.
            var seeds = [random.below(n)]
            var nearest = (0..<n).map { Double(max(0, 1 - similarity[$0 * n + seeds[0]])) }
            while seeds.count < k {
                let total = nearest.map { $0 * $0 }.reduce(0, +)
                var pick = Double(random.next() >> 11) / Double(1 << 53) * total, chosen = n - 1
                for i in 0..<n {
                    pick -= nearest[i] * nearest[i]
                    if pick <= 0 { chosen = i; break }
                }
                seeds.append(chosen)
                for i in 0..<n { nearest[i] = min(nearest[i], Double(max(0, 1 - similarity[i * n + chosen]))) }
            }
            var centres = x.subset(seeds)
            var assignment = assign(x, to: centres)
            for _ in 0..<30 {
                centres = UnitEmbeddings.centres(of: x, assignment: assignment, k: k)
                let next = assign(x, to: centres)
                if next == assignment { break }
                assignment = next
            }
            let s = x.similarities(to: centres)
            let total = (0..<n).reduce(0.0) { $0 + Double(s[$1 * k + assignment[$1]]) }
            if total > (best?.total ?? -.infinity) { best = (total, assignment, centres) }
        }
        return (best!.assignment, best!.centres)
    }

    /// Index of the most similar centre for every row.
    static func assign(_ x: UnitEmbeddings, to centres: UnitEmbeddings) -> [Int] {
        let s = x.similarities(to: centres), k = centres.rows
        return (0..<x.rows).map { i in (0..<k).max { s[i * k + $0] < s[i * k + $1] }! }
    }

    /// Mean silhouette with cosine distance 1 − s (Rousseeuw 1987); a row alone in its group scores 0.
    static func silhouette(_ similarity: [Float], n: Int, assignment: [Int], k: Int) -> Double {
        var sizes = [Int](repeating: 0, count: k)
        for a in assignment { sizes[a] += 1 }
        var total = 0.0
        for i in 0..<n {
            var sums = [Double](repeating: 0, count: k)
            for j in 0..<n where j != i { sums[assignment[j]] += 1 - Double(similarity[i * n + j]) }
            let own = assignment[i]
            guard sizes[own] > 1 else { continue }
            let a = sums[own] / Double(sizes[own] - 1)
            let b = (0..<k).filter { $0 != own && sizes[$0] > 0 }.map { sums[$0] / Double(sizes[$0]) }.min() ?? a
            let m = max(a, b)
            total += m > 0 ? (b - a) / m : 0
        }
        return total / Double(n)
    }

    static func centroid(_ x: UnitEmbeddings, _ rows: [Int]) -> [Float] {
        var c = [Float](repeating: 0, count: x.columns)
        for i in rows { for (j, v) in x.row(i).enumerated() { c[j] += v } }
        return c
    }

    /// `rows` ordered by similarity to `centre`, most typical first.
    static func order(_ rows: [Int], _ x: UnitEmbeddings, centre: [Float]) -> [Int] {
        let score = rows.map { i in zip(x.row(i), centre).reduce(Float(0)) { $0 + $1.0 * $1.1 } }
        return zip(rows, score).sorted { $0.1 > $1.1 }.map(\.0)
    }
}

extension UnitEmbeddings {
    /// The normalised mean of each group's rows (a group with no rows keeps a zero centre).
    static func centres(of x: UnitEmbeddings, assignment: [Int], k: Int) -> UnitEmbeddings {
        var sums = [Float](repeating: 0, count: k * x.columns)
        for (i, a) in assignment.enumerated() {
            for (j, v) in x.row(i).enumerated() { sums[a * x.columns + j] += v }
        }
        for c in 0..<k {
            let range = (c * x.columns)..<((c + 1) * x.columns)
            let norm = sums[range].reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { for j in range { sums[j] /= norm } }
        }
        return UnitEmbeddings(rows: k, columns: x.columns, values: sums)
    }
}
