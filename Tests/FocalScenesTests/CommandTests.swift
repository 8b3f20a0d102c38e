import FocalTestSupport
import Foundation
import XCTest

/// `focal synth` as a person runs it (the executable built beside the tests).
final class SynthCommandTests: XCTestCase {
    func focal(_ arguments: [String]) throws -> FocalRun { try runFocal(arguments) }

    func testSynthWritesADatasetAndRefusesToMixOne() throws {
        let folder = try temporaryFolder("scenes")
        let out = folder + "/data"
        let run = try focal(["synth", "apples", "--out", out, "--count", "12", "--seed", "4", "--size", "128", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let summary = try jsonObject(run.stdout)
        XCTAssertEqual(summary["images"] as? Int, 12)
        XCTAssertEqual(summary["splits"] as? [String: Int], ["train": 6, "test": 3, "pool": 3])
        let (header, rows) = try readManifest(out)
        XCTAssertEqual(header, ["image", "positives", "negatives", "split", "regions", "apple_color"])
        XCTAssertEqual(rows.count, 12)

        let again = try focal(["synth", "apples", "--out", out, "--count", "4"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("is not empty"), again.stderr)
        XCTAssertEqual(again.stderr.split(separator: "\n").count, 1, "one-line error")

        let forced = try focal(["synth", "pints", "--out", out, "--train", "3", "--test", "0", "--pool", "0", "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try readManifest(out).rows.count, 3)
        XCTAssertEqual(listFiles(out).filter { $0.hasPrefix("images/") }.count, 3, "old images were replaced")
    }

    func testBadArgumentsAreOneLineErrors() throws {
        let folder = try temporaryFolder("scenes")
        for arguments in [["synth", "weddings", "--out", folder + "/a"],
                          ["synth", "wedding", "--out", folder + "/b", "--context-with-bouquet", "1.5"],
                          ["synth", "pints", "--out", folder + "/c", "--test-style", "cinema"]] {
            let run = try focal(arguments)
            XCTAssertNotEqual(run.status, 0, "\(arguments)")
            XCTAssertTrue(run.stderr.contains("Error:"), run.stderr)
        }
        let help = try focal(["synth", "--help"])
        for flag in ["--context-with-bouquet", "--focal-rate", "--train-red", "--test-red", "--perfect-rate",
                     "--train-style", "--cutouts", "--seed", "--size", "--count"] {
            XCTAssertTrue(help.stdout.contains(flag), flag)
        }
    }
}
