/// Metrics of scores rather than decisions: they look at the order of the
/// scores, and group tied scores the way scikit-learn does (a tie is one
/// threshold, so tied samples enter the curves together).
extension Metrics {
    /// Average precision, sklearn's `average_precision_score`: Σ_n (R_n − R_{n−1})·P_n
    /// over the distinct score thresholds from high to low (a step function, no
    /// interpolation). NaN when there is no positive.
    public static func averagePrecision(scores: [Double], actual: [Bool]) -> Double {
        let (tp, fp) = cumulativeCounts(scores: scores, actual: actual)
        guard let positives = tp.last, positives > 0 else { return .nan }
        var ap = 0.0, previousRecall = 0.0
        for g in tp.indices {
            let recall = Double(tp[g]) / Double(positives)
            ap += (recall - previousRecall) * Double(tp[g]) / Double(tp[g] + fp[g])
            previousRecall = recall
        }
        return ap
    }

    /// Area under the ROC curve by the trapezoid rule over the distinct
    /// thresholds, as sklearn's `roc_auc_score`: a tie between a positive and a
    /// negative counts one half. NaN unless both classes are present.
    public static func rocAUC(scores: [Double], actual: [Bool]) -> Double {
        let (tp, fp) = cumulativeCounts(scores: scores, actual: actual)
        guard let positives = tp.last, let negatives = fp.last, positives > 0, negatives > 0 else { return .nan }
        var area = 0.0, tpBefore = 0, fpBefore = 0
        for g in tp.indices {
            area += Double(fp[g] - fpBefore) * Double(tpBefore + tp[g]) / 2
            tpBefore = tp[g]
            fpBefore = fp[g]
        }
        return area / (Double(positives) * Double(negatives))
    }

    /// The decision threshold with the best F1 on these scores: predicting
    /// positive for scores ≥ threshold. Among the distinct scores, the cut with
    /// the highest F1 (the higher cut on a tie); the threshold is placed halfway
    /// to the next lower distinct score, so that scores near the cut on new data
    /// are not decided by which side of a training sample they fall.
    public static func bestF1Threshold(scores: [Double], actual: [Bool]) -> (threshold: Double, f1: Double) {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let (tp, fp) = cumulativeCounts(scores: scores, actual: actual)
        guard let positives = tp.last, positives > 0 else { return (1, 0) }
        // The distinct scores, high to low, aligned with tp/fp.
        var distinct: [Double] = []
        for i in order where distinct.last != scores[i] { distinct.append(scores[i]) }
        var best = 0, bestF1 = -1.0
        for g in tp.indices {
            let f1 = 2 * Double(tp[g]) / Double(tp[g] + fp[g] + positives)
            if f1 > bestF1 { best = g; bestF1 = f1 }
        }
        let threshold = best + 1 < distinct.count ? (distinct[best] + distinct[best + 1]) / 2 : distinct[best]
        return (threshold, bestF1)
    }

    /// Cumulative true and false positives at each distinct score, high to low.
    static func cumulativeCounts(scores: [Double], actual: [Bool]) -> (tp: [Int], fp: [Int]) {
        precondition(scores.count == actual.count)
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var tp: [Int] = [], fp: [Int] = []
        var t = 0, f = 0
        for (position, i) in order.enumerated() {
            if actual[i] { t += 1 } else { f += 1 }
            let last = position + 1 == order.count || scores[order[position + 1]] != scores[i]
            if last { tp.append(t); fp.append(f) }
        }
        return (tp, fp)
    }
}
