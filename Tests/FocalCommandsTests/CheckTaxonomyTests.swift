import FocalTestSupport
import Foundation
import XCTest

/// `focal check` with a taxonomy, and `--test` rows left out, through the command line.
extension CheckCommandTests {
    /// A temporary folder, removed by the caller.
    func scratch() throws -> String {
        let folder = NSTemporaryDirectory() + "focal-check-taxonomy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    func testTaxonomyFindingsDescriptionsAndLeftOutTestRows() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The shipped pints taxonomy with one concept the data never names.
        let shipped = try String(contentsOfFile: Self.datasets + "/pints/taxonomy.yaml", encoding: .utf8)
        let taxonomy = folder + "/taxonomy.yaml"
        try (shipped + "  stout:\n    description: A pint of dark stout.\n    parent: pint\n").write(toFile: taxonomy, atomically: true, encoding: .utf8)
        let manifest = Self.datasets + "/pints/manifest.csv"
        let report = folder + "/report"
        let run = try focal(["check", Self.datasets + "/pints", "--taxonomy", taxonomy, "--test", manifest, "--json", "--report", report])
        XCTAssertEqual(run.status, 0, run.stderr)

        // Issue 18 part 3: the rows of --test outside its test split are counted, by split, on stderr.
        let splits = try String(contentsOfFile: manifest, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false)[3] }
        let (train, pool) = (splits.filter { $0 == "train" }.count, splits.filter { $0 == "pool" }.count)
        XCTAssertEqual(train + pool, 300)
        XCTAssertTrue(run.stderr.contains("\(manifest): \(train + pool) of \(splits.count) rows left out of the test set "
                                          + "(\(train) in its train split, \(pool) in its pool split): --test uses only a manifest's test split"), run.stderr)

        let document = try jsonObject(run.stdout)
        let findings = try XCTUnwrap(document["findings"] as? [[String: Any]])
        let stout = try XCTUnwrap(findings.first { $0["kind"] as? String == "no-data" })
        XCTAssertEqual(stout["concept"] as? String, "stout")
        XCTAssertEqual(stout["description"] as? String, "A pint of dark stout.")
        XCTAssertEqual(findings.filter { ["missing-parent", "excluded-together", "not-in-taxonomy", "no-fitting-images"].contains($0["kind"] as? String) }.count,
                       0, "the shipped labels follow the shipped taxonomy")
        // Every concept row carries its description, as the file words it.
        let concepts = try XCTUnwrap(document["concepts"] as? [[String: Any]])
        XCTAssertEqual(Set(concepts.map { $0["concept"] as! String }), ["pint", "perfect_pint", "foam"])
        XCTAssertEqual(concepts.first { $0["concept"] as? String == "foam" }?["description"] as? String, "A head of foam on top of the beer, whatever its depth.")
        XCTAssertTrue(concepts.allSatisfy { ($0["description"] as? String)?.isEmpty == false })
        let summary = try XCTUnwrap(document["taxonomy"] as? [String: Any])
        XCTAssertEqual(summary["file"] as? String, taxonomy)
        XCTAssertEqual((summary["sha256"] as? String)?.count, 64)
        // The page shows the descriptions too.
        let page = try String(contentsOfFile: report + "/index.html", encoding: .utf8)
        XCTAssertTrue(page.contains("A pint of dark stout.") && page.contains("Described as: "), "descriptions on the page")

        // The terminal form names the taxonomy and lists the descriptions.
        let text = try focal(["check", Self.datasets + "/pints", "--taxonomy", taxonomy])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("taxonomy: \(taxonomy) (4 concepts)"), text.stdout)
        XCTAssertTrue(text.stdout.contains("[low] no-data · stout"), text.stdout)
        XCTAssertTrue(text.stdout.contains("descriptions (taxonomy):\n  foam: A head of foam on top of the beer"), text.stdout)
        XCTAssertTrue(text.stdout.contains("\n  pint: A pint glass of beer, however it was poured"), text.stdout)
    }

    func testBadTaxonomyIsOneLineAndWritesNothing() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bad = folder + "/bad.yaml"
        try "concepts:\n  pint:\n\tdescription: A pint.\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let report = folder + "/report"
        for arguments in [["check", Self.datasets + "/pints", "--report", report],
                          ["train", Self.datasets + "/pints", "--out", folder + "/m.focal"],
                          ["evaluate", "--model", folder + "/m.focal", Self.datasets + "/pints", "--report", report]] {
            let run = try focal(arguments + ["--taxonomy", bad])
            XCTAssertNotEqual(run.status, 0, arguments[0])
            let lines = run.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")
            XCTAssertEqual(lines.count, 1, run.stderr)
            XCTAssertTrue(lines.first?.contains("\(bad):3:1: not valid YAML") ?? false, run.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["bad.yaml"], "nothing written by \(arguments[0])")
        }

        // A cycle of parents: a clear error, nothing written.
        let cycle = folder + "/cycle.yaml"
        try "concepts:\n  pint:\n    description: A pint.\n    parent: perfect_pint\n  perfect_pint:\n    description: A good pint.\n    parent: pint\n"
            .write(toFile: cycle, atomically: true, encoding: .utf8)
        let run = try focal(["train", Self.datasets + "/pints", "--out", folder + "/m.focal", "--taxonomy", cycle, "--hierarchy", "propagate"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("\(cycle):4:13: the parents form a cycle: pint → perfect_pint → pint"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/m.focal"))

        // Found beside the dataset without --taxonomy: a manifest in a folder with a broken taxonomy.yaml.
        let data = folder + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try "image,positives,negatives,split,regions\n\(Self.datasets)/pints/images/train/000000.jpg,pint,,train,\n"
            .write(toFile: data + "/manifest.csv", atomically: true, encoding: .utf8)
        try "concepts: [pint\n".write(toFile: data + "/taxonomy.yaml", atomically: true, encoding: .utf8)
        let beside = try focal(["check", data])
        XCTAssertNotEqual(beside.status, 0)
        XCTAssertTrue(beside.stderr.contains("\(data)/taxonomy.yaml:2:1: not valid YAML"), beside.stderr)
    }
}
