import Foundation
import FocalTraining

/// Cross-validated quality of one concept when trained on 25%, 50%, 75% and
/// 100% of the data: whether more of the same data would still help.
public struct LearningCurve: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable {
        /// Quality still climbs at full size: more labelled examples will help.
        case rising = "still rising"
        /// The last quarters add (almost) nothing: more of the same will not help.
        case flat
    }

    public struct Point: Codable, Sendable, Equatable {
        /// Share of each fold's training rows used.
        public var fraction: Double
        /// Out-of-fold average precision, with a bootstrap interval over the held-out rows.
        public var averagePrecision: Interval
        /// Out-of-fold F1 at probability 0.5 (balanced class weights make 0.5 the even-odds point).
        public var f1: Interval
    }

    public var concept: String
    public var points: [Point]
    public var verdict: Verdict

    /// AP gain from 50% to 100% of the data that counts as still rising…
    public static let risingGainFromHalf = 0.02
    /// …or from 75% to 100%.
    public static let risingGainFromThreeQuarters = 0.01
    /// At or above this AP a concept is learned; the curve is flat whatever the gains.
    public static let saturatedAveragePrecision = 0.99
    /// Bootstrap resamples for the intervals (fewer than evaluate's 1,000: 4 points × every concept).
    public static let replicates = 200

    /// The verdict from the point estimates of the 50%, 75% and 100% points:
    /// still rising when the full data beats 75% and gains enough over 50% or 75%.
    public static func verdict(half: Double, threeQuarters: Double, full: Double) -> Verdict {
        if full >= saturatedAveragePrecision { return .flat }
        // A curve whose last quarter went down is not still rising, whatever it gained before.
        guard full >= threeQuarters else { return .flat }
        return full - half >= risingGainFromHalf || full - threeQuarters >= risingGainFromThreeQuarters ? .rising : .flat
    }

    /// The points of concept column `c` from out-of-fold probabilities per quarter (index 0 = 25%).
    static func measure(concept name: String, column c: Int, labels: LabelMatrix, byQuarter: [[Double]], seed: UInt64) -> LearningCurve? {
        let (rows, actual) = labels.labelled(concept: c)
        let k = labels.concepts
        var points: [Point] = []
        for (q, p) in byQuarter.enumerated() {
            let scores = rows.map { p[$0 * k + c] }
            guard scores.allSatisfy(\.isFinite) else { return nil }
            let ap = Bootstrap.interval(samples: rows.count, replicates: replicates, seed: seed) { idx in
                Metrics.averagePrecision(scores: idx.map { scores[$0] }, actual: idx.map { actual[$0] })
            }
            let f1 = Bootstrap.interval(samples: rows.count, replicates: replicates, seed: seed) { idx in
                Metrics.f1(predicted: idx.map { scores[$0] >= 0.5 }, actual: idx.map { actual[$0] })
            }
            points.append(Point(fraction: Double(q + 1) / 4, averagePrecision: ap, f1: f1))
        }
        guard points.count == 4 else { return nil }
        let ap = points.map(\.averagePrecision.estimate)
        return LearningCurve(concept: name, points: points, verdict: verdict(half: ap[1], threeQuarters: ap[2], full: ap[3]))
    }

    /// A finding when the verdict is actionable: still rising (get more
    /// data), or flat at a low AP (more of the same will not fix it).
    var finding: Finding? {
        let ap = points.map(\.averagePrecision.estimate)
        let curve = points.map { "\(percent($0.fraction)): \(number($0.averagePrecision.estimate))" }.joined(separator: ", ")
        switch verdict {
        case .rising:
            return Finding(kind: .learningCurve, severity: ap[3] < 0.9 ? .medium : .low, concept: concept,
                           message: "\(concept): still rising, more data will help (cross-validated AP \(curve))",
                           images: [], advice: "label more examples of \(concept), positives and negatives, like the ones it gets wrong",
                           weight: ap[3] - ap[1])
        case .flat where ap[3] < 0.8:
            return Finding(kind: .learningCurve, severity: .low, concept: concept,
                           message: "\(concept): flat at a low AP (\(curve)): more of the same images will not help",
                           images: [], advice: "look at label issues and scope for \(concept) before labelling more of the same",
                           weight: 0.8 - ap[3])
        case .flat:
            return nil
        }
    }
}

/// A number for messages: 3 decimals, or "—" when undefined.
func number(_ x: Double, digits: Int = 3) -> String {
    x.isFinite ? String(format: "%.\(digits)f", x) : "—"
}
