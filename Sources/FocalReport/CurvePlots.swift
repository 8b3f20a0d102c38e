import FocalTraining

/// The three plots of a concept's evaluation, from the curves FocalTraining computes.
extension Plot {
    /// Precision against recall as the step function whose area is average
    /// precision, with the positive rate (a random ranking's precision) dashed.
    public static func precisionRecall(_ curve: [Metrics.CurvePoint], averagePrecision: Double, positiveRate: Double) -> Plot {
        Plot(title: "Precision-recall (AP \(Format.number(averagePrecision)))", xLabel: "recall", yLabel: "precision", series: [
            Series(name: "chance", points: [Point(x: 0, y: positiveRate), Point(x: 1, y: positiveRate)], style: .dashed, color: "#999"),
            Series(name: "model", points: curve.map { Point(x: $0.x, y: $0.y) }, style: .steps),
        ])
    }

    /// True-positive rate against false-positive rate from (0, 0), with the diagonal of chance.
    public static func roc(_ curve: [Metrics.CurvePoint], auc: Double) -> Plot {
        Plot(title: "ROC (AUC \(Format.number(auc)))", xLabel: "false-positive rate", yLabel: "true-positive rate", series: [
            Series(name: "chance", points: [Point(x: 0, y: 0), Point(x: 1, y: 1)], style: .dashed, color: "#999"),
            Series(name: "model", points: [Point(x: 0, y: 0)] + curve.map { Point(x: $0.x, y: $0.y) }),
        ])
    }

    /// Reliability diagram: each bin's observed frequency against its mean
    /// confidence, circle area proportional to the bin's count; the diagonal is perfect calibration.
    public static func calibration(_ bins: [Metrics.CalibrationBin], error: Double) -> Plot {
        let largest = Double(bins.map(\.count).max() ?? 1)
        let points = bins.map { Point(x: $0.meanConfidence, y: $0.observedFrequency, radius: 2 + 6 * (Double($0.count) / largest).squareRoot()) }
        return Plot(title: "Calibration (ECE \(Format.number(error)))", xLabel: "mean predicted probability", yLabel: "observed frequency", series: [
            Series(name: "perfect", points: [Point(x: 0, y: 0), Point(x: 1, y: 1)], style: .dashed, color: "#999"),
            Series(name: "bins", points: points, style: .line, color: "#b0b8c8"),
            Series(name: "bin size", points: points, style: .points, color: "#1f5fa8"),
        ])
    }
}
