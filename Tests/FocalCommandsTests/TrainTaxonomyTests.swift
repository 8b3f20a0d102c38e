import FocalFiles
import FocalTestSupport
import Foundation
import XCTest

/// `focal train --hierarchy propagate`: labels follow is-a, and the model file
/// records the taxonomy it was trained with; evaluate and compare show the descriptions.
extension ConceptCommandTests {
    func testHierarchyPropagateAndTheTaxonomyInTheModel() throws {
        let folder = try temporaryFolder("hierarchy")
        let taxonomy = folder + "/taxonomy.yaml"
        try "concepts:\n  pint:\n    description: A pint.\n  perfect_pint:\n    description: A pint poured right.\n    parent: pint\n"
            .write(toFile: taxonomy, atomically: true, encoding: .utf8)
        // 60 rows in three separable clusters: 20 perfect pints labelled only as perfect_pint (no pint label),
        // 20 other pints (pint, not perfect_pint), 20 rows that are not pints (negative for pint only).
        let writer = try NumPyMatrixWriter(path: folder + "/x.npy", columns: 3)
        var labels = "positives,negatives\n"
        for i in 0..<60 {
            let group = i / 20
            try writer.append(row: [group == 0 ? 1 : 0, group == 1 ? 1 : 0, group == 2 ? 1 : 0].map { Float($0) + Float(i % 5) / 50 })
            labels += ["perfect_pint,", "pint,perfect_pint", ",pint"][group] + "\n"
        }
        try writer.finish()
        try AtomicFile.write(labels, to: folder + "/labels.csv")
        func train(_ extra: [String], _ out: String) throws -> (FocalRun, [String: Int]) {
            let run = try focal(["train", "--features", folder + "/x.npy", "--labels", folder + "/labels.csv", "--out", folder + "/" + out,
                                 "--taxonomy", taxonomy, "--json"] + extra)
            guard run.status == 0 else { return (run, [:]) }
            let concepts = try jsonObject(run.stdout)["concepts"] as! [[String: Any]]
            return (run, Dictionary(uniqueKeysWithValues: concepts.map { ("\($0["concept"]!) +", $0["positives"] as! Int) }
                + concepts.map { ("\($0["concept"]!) -", $0["negatives"] as! Int) }))
        }

        // As written: pint 20 positives / 20 negatives, perfect_pint 20 / 20.
        let (plain, asWritten) = try train([], "plain.focal")
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertEqual(asWritten, ["pint +": 20, "pint -": 20, "perfect_pint +": 20, "perfect_pint -": 20])
        // Propagated: the perfect pints are pints (40 positives); the non-pints are not perfect pints (40 negatives).
        let (propagated, counts) = try train(["--hierarchy", "propagate"], "propagated.focal")
        XCTAssertEqual(propagated.status, 0, propagated.stderr)
        XCTAssertEqual(counts, ["pint +": 40, "pint -": 20, "perfect_pint +": 20, "perfect_pint -": 40])
        XCTAssertTrue(propagated.stderr.contains("added 20 ancestor positives and 20 descendant negatives"), propagated.stderr)

        // The model file records the taxonomy's SHA-256 (sha256sum's) and the mode; the summary repeats them.
        let sha = try sha256sum(taxonomy)
        let model = try jsonObject(String(contentsOfFile: folder + "/propagated.focal", encoding: .utf8))
        let notes = (model["provenance"] as! [String: Any])["notes"] as! [String: String]
        XCTAssertEqual(notes["taxonomy_sha256"], sha)
        XCTAssertEqual(notes["hierarchy"], "propagate")
        XCTAssertEqual(notes["taxonomy"], taxonomy)
        XCTAssertEqual(notes["features"], folder + "/x.npy", "the existing notes are kept")
        let summary = try jsonObject(propagated.stdout)
        XCTAssertEqual(summary["taxonomy_sha256"] as? String, sha)
        XCTAssertEqual(summary["hierarchy"] as? String, "propagate")
        XCTAssertEqual(((try jsonObject(String(contentsOfFile: folder + "/plain.focal", encoding: .utf8))["provenance"] as! [String: Any])["notes"]
                        as! [String: String])["hierarchy"], "none")

        // propagate without a taxonomy: refused before anything is written.
        let none = try focal(["train", "--features", folder + "/x.npy", "--labels", folder + "/labels.csv", "--out", folder + "/n.focal",
                              "--hierarchy", "propagate"])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("--hierarchy propagate needs a taxonomy"), none.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/n.focal"))
        // propagate with --exclusive: one concept per image cannot hold a concept and its parent.
        let exclusive = try focal(["train", "--features", folder + "/x.npy", "--labels", folder + "/labels.csv", "--out", folder + "/n.focal",
                                   "--taxonomy", taxonomy, "--hierarchy", "propagate", "--exclusive"])
        XCTAssertNotEqual(exclusive.status, 0)
        XCTAssertTrue(exclusive.stderr.contains("--exclusive allows one concept per image"), exclusive.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/n.focal"))
    }

    func testEvaluateAndCompareShowTheDescriptions() throws {
        let folder = try temporaryFolder("described")
        let pints = Repository.dataset("pints")
        // The shipped file's folded description of perfect_pint, joined into one line.
        let described = "A pint poured right: full to the brim, with a settled, even head of foam about a finger deep; not flat, short or over-foamed."
        let model = folder + "/perfect.focal"
        let train = try focal(["train", pints, "--out", model, "--concept", "perfect_pint", "--json"])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertEqual(try jsonObject(train.stdout)["taxonomy"] as? String, pints + "/taxonomy.yaml", "picked up beside the data")

        let evaluate = try focal(["evaluate", "--model", model, pints, "--json"])
        XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
        XCTAssertEqual((try jsonObject(evaluate.stdout)["concepts"] as! [[String: Any]])[0]["description"] as? String, described)
        let text = try focal(["evaluate", "--model", model, pints])
        XCTAssertTrue(text.stdout.contains("perfect_pint (") && text.stdout.contains("\n  described as: \(described)\n"), text.stdout)

        let compare = try focal(["compare", pints, pints, "--test", pints, "--concept", "perfect_pint", "--c", "1", "--json"])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        XCTAssertEqual((try jsonObject(compare.stdout)["concepts"] as! [[String: Any]])[0]["description"] as? String, described)
        // Without a taxonomy beside the data or named, no description key at all.
        let csv = folder + "/elsewhere.csv"
        let rows = try String(contentsOfFile: pints + "/manifest.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        try AtomicFile.write(([rows[0]] + rows.dropFirst().map { pints + "/" + $0 }).joined(separator: "\n") + "\n", to: csv)
        let bare = try focal(["evaluate", "--model", model, csv, "--json"])
        XCTAssertEqual(bare.status, 0, bare.stderr)
        XCTAssertNil((try jsonObject(bare.stdout)["concepts"] as! [[String: Any]])[0]["description"])
    }
}
