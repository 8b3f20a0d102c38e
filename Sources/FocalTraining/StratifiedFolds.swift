/// Seeded stratified k-fold assignment for multi-label and exclusive labels.
///
/// Each row gets a stratum: for exclusive models its concept; for multi-label
/// models the rarest concept it is positive for (rare concepts are the ones a
/// fold can run out of), or "no positive". Every stratum is shuffled with the
/// seed and dealt round-robin over the folds, continuing the count from one
/// stratum to the next, so every fold gets its share of each stratum (±1) and
/// fold sizes differ by at most one. This is scikit-learn's StratifiedKFold idea
/// (not its exact permutation) extended to several concepts.
public enum StratifiedFolds {
    /// The fold (0..<folds) of every row.
    public static func assign(_ labels: LabelMatrix, folds: Int, seed: UInt64) -> [Int] {
        precondition(folds >= 2, "cross-validation needs at least two folds")
        let k = labels.concepts
        var positives = [Int](repeating: 0, count: k)
        for i in 0..<labels.rows { for c in 0..<k where labels[i, c] == .positive { positives[c] += 1 } }
        var strata = [[Int]](repeating: [], count: k + 1)
        for i in 0..<labels.rows {
            var stratum = k
            for c in 0..<k where labels[i, c] == .positive {
                if stratum == k || positives[c] < positives[stratum] { stratum = c }
            }
            strata[stratum].append(i)
        }
        var random = SeededRandom(seed: seed)
        var fold = [Int](repeating: 0, count: labels.rows)
        var dealt = 0
        for var rows in strata {
            random.shuffle(&rows)
            for i in rows {
                fold[i] = dealt % folds
                dealt += 1
            }
        }
        return fold
    }
}
