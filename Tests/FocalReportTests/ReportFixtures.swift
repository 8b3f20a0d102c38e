@testable import FocalConcepts
import FocalExplain
import FocalImages
import FocalFiles
@testable import FocalTraining
import Foundation

/// Small reports built by hand, with real image files behind their paths.
enum ReportFixtures {
    /// A fresh temporary folder.
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "focal-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// JPEGs of 320×240 in distinct colours, one per name, in `folder`.
    static func images(_ names: [String], in folder: String) throws -> [String] {
        try names.enumerated().map { i, name in
            var image = RGBImage(width: 320, height: 240, color: (UInt8(40 + 50 * (i % 5)), UInt8(200 - 30 * (i % 6)), 120))
            for y in 80..<160 { for x in 100..<220 { image.pixels[(y * 320 + x) * 3] = 250 } }
            let path = folder + "/" + name
            try AtomicFile.write(try ImageEncoder.jpeg(image), to: path)
            return path
        }
    }

    static func interval(_ estimate: Double, _ lower: Double, _ upper: Double) -> Interval {
        Interval(estimate: estimate, lower: lower, upper: upper, confidence: 0.95, replicates: 1000)
    }

    /// One concept scored on four images: 0.9 (positive), 0.8 (negative, the
    /// false positive), 0.3 (positive, the false negative), 0.1 (negative).
    static func evaluation(concept: String, images: [String]) -> EvaluationReport {
        let scores = [0.9, 0.8, 0.3, 0.1], actual = [true, false, true, false]
        let metrics = EvaluationReport.ConceptMetrics(
            concept: concept, positives: 2, negatives: 2, threshold: 0.5,
            precision: interval(0.5, 0, 1), recall: interval(0.5, 0, 1), f1: interval(0.5, 0, 1),
            falsePositiveRate: interval(0.5, 0, 1),
            averagePrecision: interval(Metrics.averagePrecision(scores: scores, actual: actual), 0.5, 1),
            rocAUC: interval(Metrics.rocAUC(scores: scores, actual: actual), 0.5, 1),
            accuracy: 0.5, calibrationError: Metrics.expectedCalibrationError(confidences: scores, outcomes: actual),
            worstFalsePositives: [.init(image: images[1], score: 0.8)], worstFalseNegatives: [.init(image: images[2], score: 0.3)],
            curves: .init(scores: scores, actual: actual))
        return EvaluationReport(model: "models/\(concept).focal", dataset: "datasets/\(concept)", samples: 4, skipped: [],
                                exactMatchAccuracy: interval(0.5, 0.25, 0.75), perLabelAccuracy: [concept: 0.5],
                                confusionMatrix: nil, concepts: [metrics])
    }

    static func comparison(concept: String, fixed: [String], broken: [String]) -> ComparisonReport {
        let side = { (name: String) in ComparisonReport.Side(dataset: "datasets/\(name).csv", revision: String(repeating: "ab", count: 32),
                                                             trainingSamples: 40, c: [1]) }
        return ComparisonReport(a: side("a"), b: side("b"), test: "datasets/test", samples: 4, concepts: [
            .init(concept: concept, metrics: [.init(name: "f1", a: 0.5, b: 0.75, difference: interval(0.25, -0.1, 0.6))],
                  mcnemar: McNemar(onlyA: broken.count, onlyB: fixed.count), fixed: fixed, broken: broken),
        ])
    }

    /// An explanation of `concept` in the 320×240 image: heat in the middle, one named region.
    static func explanation(image: String, concept: String, regionName: String) throws -> Explanation {
        let json: [String: Any] = [
            "image": image, "concept": concept, "method": "map", "scales": [224, 320, 448], "score": 0.91,
            "logit": 2.3, "baselineLogit": -1.5, "threshold": 0.5, "fires": true,
            "settings": ["window": 32, "stride": 16, "baseline": "gray", "mode": "map", "cut": 0.5],
            "heatmap": ["width": 4, "height": 4, "box": [40, 0, 240, 240],
                        "rows": [[0, 0, 0, 0], [0, 1, 2, 0], [0, 2, 3, 0], [0, 0, 0, 0]]],
            "regions": [["box": [100, 80, 120, 80], "share": 0.7, "drop": 2.5, "insertion": 1.9, "insertionShare": 0.89, "mapShare": 0.8,
                         "names": [["name": regionName, "source": "annotation", "score": 0.9]]]],
            "focal": true, "multiplyAdds": 1000, "seconds": 0.5,
        ]
        return try JSONDecoder().decode(Explanation.self, from: JSONSerialization.data(withJSONObject: json))
    }
}
