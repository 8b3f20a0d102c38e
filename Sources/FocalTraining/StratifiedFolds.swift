import FocalNumerics

/// Seeded stratified k-fold assignment for multi-label and exclusive labels.
///
/// Each row gets a stratum: for exclusive models its concept; for multi-label
/// models the rarest concept it is positive for (rare concepts are the ones a
/// fold can run out of), or "no positive". Every stratum is shuffled with the
/// seed and dealt round-robin over the folds, continuing the count from one
/// stratum to the next, so every fold gets its share of each stratum (±1) and
/// fold sizes differ by at most one. This is scikit-learn's StratifiedKFold idea
/// (not its exact permutation) extended to several concepts.
///
/// With `groups` (rows cut from one photo share a group), whole groups are
/// dealt instead of rows, a group's stratum being the rarest concept any of
/// its rows is positive for: crops of one photo never sit on both sides of a
/// fold, which would let a fold be scored on the photo it trained on.
public enum StratifiedFolds {
    /// The fold (0..<folds) of every row.
    public static func assign(_ labels: LabelMatrix, folds: Int, seed: UInt64, groups: [Int]? = nil) -> [Int] {
        precondition(folds >= 2, "cross-validation needs at least two folds")
        precondition(groups == nil || groups!.count == labels.rows, "one group per row")
        let k = labels.concepts
        var positives = [Int](repeating: 0, count: k)
        for i in 0..<labels.rows { for c in 0..<k where labels[i, c] == .positive { positives[c] += 1 } }
        // Units dealt to folds: rows, or groups of rows in order of first appearance.
        var units: [[Int]] = []
        if let groups {
            var unitOf: [Int: Int] = [:]
            for (i, g) in groups.enumerated() {
                if let u = unitOf[g] { units[u].append(i) } else { unitOf[g] = units.count; units.append([i]) }
            }
        } else {
            units = (0..<labels.rows).map { [$0] }
        }
        var strata = [[Int]](repeating: [], count: k + 1)
        for (u, rows) in units.enumerated() {
            var stratum = k
            for i in rows {
                for c in 0..<k where labels[i, c] == .positive {
                    if stratum == k || positives[c] < positives[stratum] { stratum = c }
                }
            }
            strata[stratum].append(u)
        }
        var random = SplitMix64(seed: seed)
        var fold = [Int](repeating: 0, count: labels.rows)
        var dealt = 0
        for var members in strata {
            random.shuffle(&members)
            for u in members {
                for i in units[u] { fold[i] = dealt % folds }
                dealt += 1
            }
        }
        return fold
    }
}
