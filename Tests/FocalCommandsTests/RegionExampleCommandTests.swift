import FocalTestSupport
import Foundation
import XCTest

/// `focal train --examples regions --background-negatives` and `focal compare
/// --examples-b` through the command line, as a script would use them; the
/// model they write works with every command that takes a model.
final class RegionExampleCommandTests: XCTestCase {
    static let pints = Repository.dataset("pints")
    static let store = NSTemporaryDirectory() + "focal-regions-\(UUID().uuidString).sqlite"

    func focal(_ arguments: [String]) throws -> FocalRun { try runFocal(arguments, store: Self.store) }

    func testRegionModelTrainsRecordsItselfAndServesEveryCommand() throws {
        let folder = try temporaryFolder("regions")
        let model = folder + "/pint.focal"

        let train = try focal(["train", Self.pints, "--out", model, "--concept", "foam", "--examples", "regions",
                               "--background-negatives", "--json"])
        XCTAssertEqual(train.status, 0, train.stderr)
        let examples = try XCTUnwrap(try jsonObject(train.stdout)["examples"] as? [String: Any])
        XCTAssertEqual(examples["kind"] as? String, "regions")
        XCTAssertEqual(examples["background_negatives"] as? Bool, true)
        XCTAssertEqual(examples["margin"] as? Double, 0.5)
        // Every foam box of the training split is a region example (counted here from the manifest).
        let rows = try String(contentsOfFile: Self.pints + "/manifest.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let foamBoxes = rows.filter { $0.contains(",train,") }.map { $0.components(separatedBy: "foam@").count - 1 }.reduce(0, +)
        XCTAssertGreaterThan(foamBoxes, 100)
        XCTAssertGreaterThanOrEqual(examples["regions"] as? Int ?? 0, foamBoxes)
        let saved = try jsonObject(String(contentsOfFile: model, encoding: .utf8))
        XCTAssertEqual(((saved["training"] as? [String: Any])?["examples"] as? [String: Any])?["kind"] as? String, "regions")

        // A model trained on regions is used on whole images like any other.
        let image = Self.pints + "/" + String(rows.first { $0.contains(",test,") }!.split(separator: ",")[0])
        let predict = try focal(["predict", "--model", model, image, "--json"])
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let evaluate = try focal(["evaluate", "--model", model, Self.pints, "--json"])
        XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
        let explain = try focal(["explain", "--model", model, image, "--concept", "foam", "--json"])
        XCTAssertEqual(explain.status, 0, explain.stderr)

        // One command compares the two ways of training on the same revision (a fixed C keeps it quick).
        let compare = try focal(["compare", Self.pints, Self.pints, "--test", Self.pints, "--concept", "foam",
                                 "--examples-b", "regions", "--c", "1", "--json"])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        let report = try jsonObject(compare.stdout)
        XCTAssertNil((report["a"] as? [String: Any])?["examples"])
        XCTAssertEqual(((report["b"] as? [String: Any])?["examples"] as? [String: Any])?["kind"] as? String, "regions")
        let text = try focal(["compare", Self.pints, Self.pints, "--test", Self.pints, "--concept", "foam", "--examples-b", "both", "--c", "1"])
        XCTAssertTrue(text.stdout.contains("training examples:"), text.stdout)
    }

    func testExamplesNeedImages() throws {
        let bad = try focal(["train", "--features", "x.npy", "--labels", "l.csv", "--out", "m.focal", "--examples", "regions"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("do not apply to --features"), bad.stderr)
        let unknown = try focal(["train", Self.pints, "--out", "m.focal", "--examples", "crops"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("images") && unknown.stderr.contains("regions"), unknown.stderr)
    }
}
