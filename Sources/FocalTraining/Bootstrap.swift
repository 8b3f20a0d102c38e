import FocalNumerics
import Foundation

/// A point estimate with a bootstrap percentile interval.
public struct Interval: Codable, Sendable, Equatable {
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    public var confidence: Double
    /// Resamples on which the statistic was defined (e.g. AUC needs both classes);
    /// the percentiles are taken over these.
    public var replicates: Int
}

/// Seeded bootstrap intervals over the samples of one test set.
///
/// A statistic is a function of sample indices (with repeats), so any metric
/// over any prediction arrays fits. The interval is the percentile interval:
/// the (1−confidence)/2 and (1+confidence)/2 quantiles of the resampled values,
/// interpolated linearly like NumPy's default `percentile`. Resamples where the
/// statistic is NaN are dropped and counted out of `replicates`.
public enum Bootstrap {
    public static func interval(samples: Int, replicates: Int = 1000, confidence: Double = 0.95, seed: UInt64 = 0,
                                statistic: ([Int]) -> Double) -> Interval {
        let all = Array(0..<samples)
        var values: [Double] = []
        forEachResample(samples: samples, replicates: replicates, seed: seed) { values.append(statistic($0)) }
        return summarize(estimate: statistic(all), values: values, confidence: confidence)
    }

    /// The interval of statistic(A) − statistic(B) for two models scored on the
    /// same test set: each resample draws one set of indices for both, so the
    /// variation the two share (which samples happen to be hard) cancels.
    public static func pairedDifference(samples: Int, replicates: Int = 1000, confidence: Double = 0.95, seed: UInt64 = 0,
                                        _ a: ([Int]) -> Double, _ b: ([Int]) -> Double) -> Interval {
        let all = Array(0..<samples)
        var values: [Double] = []
        forEachResample(samples: samples, replicates: replicates, seed: seed) { values.append(a($0) - b($0)) }
        return summarize(estimate: a(all) - b(all), values: values, confidence: confidence)
    }

    static func forEachResample(samples: Int, replicates: Int, seed: UInt64, _ body: ([Int]) -> Void) {
        precondition(samples > 0 && replicates > 0)
        var random = SplitMix64(seed: seed)
        var indices = [Int](repeating: 0, count: samples)
        for _ in 0..<replicates {
            for j in 0..<samples { indices[j] = random.below(samples) }
            body(indices)
        }
    }

    static func summarize(estimate: Double, values: [Double], confidence: Double) -> Interval {
        precondition(confidence > 0 && confidence < 1)
        let finite = values.filter(\.isFinite).sorted()
        guard !finite.isEmpty else {
            return Interval(estimate: estimate, lower: .nan, upper: .nan, confidence: confidence, replicates: 0)
        }
        return Interval(estimate: estimate, lower: quantile(finite, (1 - confidence) / 2),
                        upper: quantile(finite, (1 + confidence) / 2), confidence: confidence, replicates: finite.count)
    }

    /// NumPy's linear percentile of sorted values: position q·(n−1), interpolated.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lo = Int(position.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - Double(lo))
    }
}
