import FocalFiles
import FocalTestSupport
import Foundation
import XCTest

/// train → predict → evaluate → compare on the shipped wedding scenes, through
/// the command line and its JSON, as a script would use them.
final class ConceptCommandTests: XCTestCase {
    static let wedding = Repository.dataset("wedding")
    static let store = NSTemporaryDirectory() + "focal-concepts-\(UUID().uuidString).sqlite"

    func focal(_ arguments: [String]) throws -> FocalRun { try runFocal(arguments, store: Self.store) }

    func testTrainPredictEvaluateCompare() throws {
        let folder = try temporaryFolder("concepts")
        let model = folder + "/models/bouquet.focal"

        let train = try focal(["train", Self.wedding, "--out", model, "--concept", "bouquet", "--json"])
        XCTAssertEqual(train.status, 0, train.stderr)
        let summary = try jsonObject(train.stdout)
        XCTAssertEqual(summary["samples"] as? Int, 400)
        let concept = (summary["concepts"] as! [[String: Any]])[0]
        XCTAssertEqual(concept["concept"] as? String, "bouquet")
        XCTAssertEqual(concept["positives"] as? Int, 200)
        XCTAssertEqual((summary["revision"] as? String)?.count, 64)
        XCTAssertEqual(summary["converged"] as? Bool, true)

        // The same seed trains the same model, byte for byte.
        let again = folder + "/again.focal"
        XCTAssertEqual(try focal(["train", Self.wedding, "--out", again, "--concept", "bouquet"]).status, 0)
        XCTAssertEqual(FileManager.default.contents(atPath: model), FileManager.default.contents(atPath: again))

        // Predict: a test scene with a bouquet and no context is found; JSON Lines per image.
        let csv = try String(contentsOfFile: Self.wedding + "/manifest.csv", encoding: .utf8)
        let bouquetOnly = csv.split(separator: "\n").first { $0.contains(",test,") && $0.hasSuffix(",none,focal") }
        let image = Self.wedding + "/" + String(bouquetOnly!.split(separator: ",")[0])
        let predict = try focal(["predict", "--model", model, image, "--json"])
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let line = try jsonObject(predict.stdout)
        XCTAssertEqual(line["positives"] as? [String], ["bouquet"])

        // Evaluate on the decoupled test split: the context-heavy model has false positives there.
        let evaluate = try focal(["evaluate", "--model", model, Self.wedding, "--json"])
        XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
        let report = try jsonObject(evaluate.stdout)
        XCTAssertEqual(report["samples"] as? Int, 200)
        let metrics = (report["concepts"] as! [[String: Any]])[0]
        let fpr = (metrics["false_positive_rate"] as! [String: Any])["estimate"] as! Double
        XCTAssertGreaterThan(fpr, 0.2, "the wedding lesson needs false positives on context-only scenes")
        let f1 = metrics["f1"] as! [String: Any]
        XCTAssertLessThanOrEqual(f1["lower"] as! Double, f1["estimate"] as! Double)
        XCTAssertGreaterThanOrEqual(f1["upper"] as! Double, f1["estimate"] as! Double)
        XCTAssertFalse((metrics["worst_false_positives"] as! [[String: Any]]).isEmpty)

        // The HTML report: the same evaluation, a thumbnail per worst mistake in the JSON.
        let evaluationReport = folder + "/evaluation-report"
        let withReport = try focal(["evaluate", "--model", model, Self.wedding, "--report", evaluationReport])
        XCTAssertEqual(withReport.status, 0, withReport.stderr)
        XCTAssertTrue(withReport.stdout.hasSuffix("report: \(evaluationReport)/index.html\n"), withReport.stdout)
        let mistakes = (metrics["worst_false_positives"] as! [[String: Any]]).count + (metrics["worst_false_negatives"] as! [[String: Any]]).count
        try assertReport(in: evaluationReport, sections: ["evaluation-summary", "evaluation-bouquet"], images: mistakes,
                         screenshot: "evaluate-wedding.png")
        // Curves in the JSON: the last precision-recall point has recall 1; the ROC curve ends at (1, 1).
        let curves = metrics["curves"] as! [String: Any]
        XCTAssertEqual((curves["precision_recall"] as! [[String: Any]]).last?["x"] as? Double, 1)
        XCTAssertEqual((curves["roc"] as! [[String: Any]]).last?["y"] as? Double, 1)
        XCTAssertEqual((curves["calibration"] as! [[String: Any]]).map { $0["count"] as! Int }.reduce(0, +),
                       (metrics["positives"] as! Int) + (metrics["negatives"] as! Int))

        // Compare revision 1 with a revision whose positives all have a bouquet as the focal point.
        // (Image paths made absolute, so the new manifest can live anywhere.)
        let rows = csv.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let narrowed = [rows[0]] + rows.dropFirst().filter { !($0.contains(",train,") && $0.hasSuffix(",incidental")) }
            .map { Self.wedding + "/" + $0 }
        try AtomicFile.write(narrowed.joined(separator: "\n") + "\n", to: folder + "/narrowed.csv")
        let comparisonReport = folder + "/comparison-report"
        let compare = try focal(["compare", Self.wedding, folder + "/narrowed.csv",
                                 "--test", Self.wedding, "--concept", "bouquet", "--json", "--report", comparisonReport])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        let comparison = try jsonObject(compare.stdout)
        XCTAssertEqual(comparison["samples"] as? Int, 200)
        let a = comparison["a"] as! [String: Any], b = comparison["b"] as! [String: Any]
        XCTAssertEqual(a["training_samples"] as? Int, 400)
        XCTAssertLessThan(b["training_samples"] as! Int, 400)
        let c = (comparison["concepts"] as! [[String: Any]])[0]
        let names = (c["metrics"] as! [[String: Any]]).map { $0["name"] as! String }
        XCTAssertEqual(names, ["precision", "recall", "f1", "false_positive_rate", "accuracy", "average_precision", "roc_auc"])
        // Flipped images are consistent with McNemar's discordant counts.
        let mcnemar = c["mcnemar"] as! [String: Any]
        XCTAssertEqual((c["fixed"] as! [String]).count, mcnemar["only_b"] as? Int)
        XCTAssertEqual((c["broken"] as! [String]).count, mcnemar["only_a"] as? Int)
        // The report names its page on stderr (stdout is JSON) and shows every flipped image.
        XCTAssertTrue(compare.stderr.contains("report: \(comparisonReport)/index.html"), compare.stderr)
        try assertReport(in: comparisonReport, sections: ["comparison-revisions", "comparison-bouquet"],
                         images: (c["fixed"] as! [String]).count + (c["broken"] as! [String]).count, screenshot: "compare-wedding.png")
    }

    func testOwnFeaturesAndBadInputs() throws {
        let folder = try temporaryFolder("own")
        // Two separable clusters in 3-d.
        let writer = try NumPyMatrixWriter(path: folder + "/x.npy", columns: 3)
        var labels = "positives,negatives\n"
        for i in 0..<40 {
            let positive = i % 2 == 0
            try writer.append(row: [positive ? 1 : -1, Float(i % 7) / 7, positive ? 0.5 : -0.5])
            labels += positive ? "cat,\n" : ",cat\n"
        }
        try writer.finish()
        try AtomicFile.write(labels, to: folder + "/labels.csv")
        let run = try focal(["train", "--features", folder + "/x.npy", "--labels", folder + "/labels.csv",
                             "--out", folder + "/m.focal", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let concept = (try jsonObject(run.stdout)["concepts"] as! [[String: Any]])[0]
        XCTAssertEqual(concept["positives"] as? Int, 20)
        XCTAssertGreaterThan(concept["cross_validated_average_precision"] as! Double, 0.99)

        // A model for another feature space is refused by predict with a one-line reason.
        let wrong = try focal(["predict", "--model", folder + "/m.focal", CommandLineTests.photos + "/cup.jpg"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("expects 3 features"), wrong.stderr)
        // A missing dataset is a one-line error.
        let missing = try focal(["train", folder + "/nope", "--out", folder + "/n.focal"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains(folder + "/nope: no such file or folder"), missing.stderr)
    }
}
