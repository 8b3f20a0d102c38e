@testable import FocalReport
import FocalTraining
import XCTest

/// Plot geometry against coordinates computed by hand. The default plot is
/// 360×320 with margins left 52, right 16, top 28, bottom 60: the plot area
/// spans x 52…344 (292 px) and y 28…260 (232 px), y growing upwards.
final class PlotTests: XCTestCase {
    func testDataMapsLinearlyIntoThePlotArea() {
        let plot = Plot(title: "t", xLabel: "x", yLabel: "y", series: [])
        XCTAssertEqual(plot.pixelX(0), 52)
        XCTAssertEqual(plot.pixelX(1), 344)
        XCTAssertEqual(plot.pixelX(0.5), 198)       // 52 + 0.5·292
        XCTAssertEqual(plot.pixelY(0), 260)
        XCTAssertEqual(plot.pixelY(1), 28)
        XCTAssertEqual(plot.pixelY(0.25), 202)      // 260 − 0.25·232
        var wide = plot
        wide.xRange = 10...20
        XCTAssertEqual(wide.pixelX(12.5), 125)      // 52 + 0.25·292
    }

    func testStepsSeriesIsTheAveragePrecisionStepFunction() {
        let pr = Plot.precisionRecall([Metrics.CurvePoint(threshold: 0.9, x: 0.5, y: 1), Metrics.CurvePoint(threshold: 0.3, x: 1, y: 0.5)],
                                      averagePrecision: 0.75, positiveRate: 0.5)
        let svg = pr.svg.markup
        // Vertices (0, 1), (0.5, 1), (0.5, 0.5), (1, 0.5).
        XCTAssertTrue(svg.contains("points=\"52,28 198,28 198,144 344,144\""), svg)
        // Chance: precision 0.5 across: y = 260 − 116 = 144.
        XCTAssertTrue(svg.contains("points=\"52,144 344,144\" fill=\"none\" stroke=\"#999\""), svg)
        XCTAssertTrue(svg.contains(">Precision-recall (AP 0.750)</text>"))
        XCTAssertTrue(svg.contains(">recall</text>") && svg.contains(">precision</text>"))
    }

    func testROCStartsAtTheOriginAndTicksAreLabelled() {
        let svg = Plot.roc([Metrics.CurvePoint(threshold: 0.8, x: 0.25, y: 0.75), Metrics.CurvePoint(threshold: 0.1, x: 1, y: 1)], auc: 0.8).svg.markup
        // (0, 0) → (52, 260); (0.25, 0.75) → (52 + 73, 260 − 174) = (125, 86); (1, 1) → (344, 28).
        XCTAssertTrue(svg.contains("points=\"52,260 125,86 344,28\""), svg)
        // Five ticks per axis, 0 to 1 by 0.25; the x tick 0.25 at x = 125, its label 18 px under the axis.
        XCTAssertTrue(svg.contains("<text x=\"125\" y=\"278\" text-anchor=\"middle\">0.25</text>"), svg)
        // The y tick 0.75 at y = 86, its label 8 px left of the axis and 4 px lower.
        XCTAssertTrue(svg.contains("<text x=\"44\" y=\"90\" text-anchor=\"end\">0.75</text>"), svg)
    }

    func testCalibrationCirclesSitAtBinMeansSizedByCount() {
        let bins = Metrics.calibrationBins(confidences: [0.15, 0.15, 0.15, 0.15, 0.75], outcomes: [false, false, false, true, true])
        let svg = Plot.calibration(bins, error: 0.1).svg.markup
        // Bin 1: mean 0.15, frequency 0.25, count 4 (largest) → r = 2 + 6 = 8, at (52 + 43.8, 260 − 58) = (95.8, 202).
        XCTAssertTrue(svg.contains("<circle cx=\"95.8\" cy=\"202\" r=\"8\"/>"), svg)
        // Bin 2: mean 0.75, frequency 1, count 1 → r = 2 + 6·√(1/4) = 5, at (52 + 219, 28) = (271, 28).
        XCTAssertTrue(svg.contains("<circle cx=\"271\" cy=\"28\" r=\"5\"/>"), svg)
    }
}
