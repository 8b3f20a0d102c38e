/// One cross-validation fold as a view of the whole data: no copy of its rows.
///
/// A fold's model must be fitted as if on features standardised by the fold's
/// own training rows (nothing about held-out rows may leak into it). Those
/// features are an affine function of the whole data's standardised ones,
/// x' = (xs − μ)/σ per column, with μ and σ the training rows' mean and
/// spread in xs units. So x'·w + b = xs·v + b' with v = w/σ and
/// b' = b − Σ μ·v, and the fold's penalty ½‖w‖² is ½·Σ σ²·v². Fitting v on
/// xs with that penalty, held-out rows weighted zero, is the same problem as
/// fitting w on the fold's own standardised copy, and needs no copy: the
/// held-out rows ride along in the same products and their logits are the
/// out-of-fold scores.
struct FoldView {
    /// Per feature, π_j = σ_j² (see `LogisticProblem.penalty`).
    let penalty: [Double]
    /// The labels with the held-out rows unknown (weight zero in every problem).
    let labels: LabelMatrix
    /// The held-out rows, ascending.
    let heldOut: [Int]

    /// Every fold's view from one pass over xs: per-fold column sums and sums
    /// of squares, each fold's training statistics being the total minus its own.
    static func all(standardized xs: FeatureMatrix, standardization: Standardization, labels: LabelMatrix,
                    fold: [Int], folds: Int) -> [FoldView] {
        let n = xs.rows, d = xs.columns
        var sums = [Double](repeating: 0, count: folds * d), squares = sums
        var counts = [Int](repeating: 0, count: folds)
        xs.values.withUnsafeBufferPointer { v in
            sums.withUnsafeMutableBufferPointer { s in
                squares.withUnsafeMutableBufferPointer { q in
                    for i in 0..<n {
                        let f = fold[i], row = v.baseAddress! + i * d
                        let sf = s.baseAddress! + f * d, qf = q.baseAddress! + f * d
                        counts[f] += 1
                        for j in 0..<d {
                            let x = Double(row[j])
                            sf[j] += x
                            qf[j] += x * x
                        }
                    }
                }
            }
        }
        return (0..<folds).map { f in
            let m = Double(n - counts[f])
            let penalty = (0..<d).map { j -> Double in
                var sum = 0.0, square = 0.0
                for g in 0..<folds where g != f { sum += sums[g * d + j]; square += squares[g * d + j] }
                let mean = sum / m
                let sigma = max(square / m - mean * mean, 0).squareRoot()
                // The fold's own scale in raw units, by `Standardization`'s rule
                // for constant columns (scale 1), over the whole data's scale.
                let scale = standardization.scale[j], rawMean = standardization.mean[j] + scale * mean
                let rawSD = scale * sigma
                let foldScale = rawSD <= 10 * Double.ulpOfOne * abs(rawMean) || rawSD == 0 ? 1 : rawSD
                let ratio = foldScale / scale
                return ratio * ratio
            }
            let heldOut = (0..<n).filter { fold[$0] == f }
            var hidden = labels
            for i in heldOut { for c in 0..<labels.concepts { hidden[i, c] = .unknown } }
            return FoldView(penalty: penalty, labels: hidden, heldOut: heldOut)
        }
    }
}
