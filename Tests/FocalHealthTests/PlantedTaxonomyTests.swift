import FocalDatasets
import FocalHealth
import FocalTestSupport
import Foundation
import XCTest

/// Each taxonomy finding planted in the shipped pints labels (rows cut and
/// relabelled by rules written here), found, and nothing else found: the
/// ground truth is the list of planted rows, never the program's output.
final class PlantedTaxonomyTests: XCTestCase {
    static let pints = Fixtures.repository.appendingPathComponent("datasets/pints").path

    /// The shipped taxonomy with three concepts added: `stout` (a pint, no
    /// data), `spilled` (only ever a negative), `empty_glass` (excludes `pint`).
    static let plantedTaxonomy = """
        concepts:
          pint:
            description: A pint glass of beer, however it was poured.
            synonyms: [pint glass, beer]
          perfect_pint:
            description: A pint poured right, with a settled, even head of foam.
            parent: pint
          foam:
            description: A head of foam on top of the beer.
            synonyms: [head, froth]
          stout:
            description: A pint of dark stout.
            parent: pint
          spilled:
            description: Beer spilled on the bar beside the glass.
          empty_glass:
            description: An empty glass, no beer in it.
            excludes: [pint]
        """

    struct Planted {
        var samples: [Sample]
        var missingParent: Set<String> = [], contradicted = 0, excluded: Set<String> = [], froth: Set<String> = [], coaster: Set<String> = []
    }

    /// The labelled rows of pints, with faults planted by row number.
    static func plant() throws -> Planted {
        let rows = try Dataset.open(pints, checkImages: false).samples.filter { $0.split != .pool }
        var p = Planted(samples: [])
        var perfect = 0
        for (i, s) in rows.enumerated() {
            var t = s
            if s.positives.contains("perfect_pint") {
                perfect += 1
                if perfect % 5 == 0 {             // every 5th perfect pint loses its parent…
                    t.positives.removeAll { $0 == "pint" }
                    if perfect % 10 == 0 { t.negatives.append("pint"); p.contradicted += 1 }  // …every 10th contradicts it
                    p.missingParent.insert(s.path)
                }
            }
            if i % 17 == 3 && t.positives.contains("pint") { t.positives.append("empty_glass"); p.excluded.insert(s.path) }
            else if i % 17 == 4 { t.negatives.append("empty_glass") }
            if i % 23 == 5 && t.positives.contains("foam") {  // a synonym used as a label
                t.positives = t.positives.map { $0 == "foam" ? "froth" : $0 }
                p.froth.insert(s.path)
            }
            if i % 31 == 7 { t.negatives.append("coaster"); p.coaster.insert(s.path) }   // a label nobody described
            if i % 13 == 2 { t.negatives.append("spilled") }
            p.samples.append(t)
        }
        return p
    }

    func precisionRecall(_ found: Set<String>, _ planted: Set<String>, _ what: String) -> (Double, Double) {
        let hit = Double(found.intersection(planted).count)
        let precision = found.isEmpty ? 0 : hit / Double(found.count), recall = planted.isEmpty ? 0 : hit / Double(planted.count)
        print("\(what): \(planted.count) planted, \(found.count) found, precision \(String(format: "%.3f", precision)), recall \(String(format: "%.3f", recall))")
        return (precision, recall)
    }

    func testEachPlantedFindingIsFoundAndNothingElse() throws {
        let folder = try temporaryFolder("planted-taxonomy")
        try Self.plantedTaxonomy.write(toFile: folder + "/taxonomy.yaml", atomically: true, encoding: .utf8)
        let taxonomy = try Taxonomy.read(folder + "/taxonomy.yaml")
        let planted = try Self.plant()
        XCTAssertGreaterThan(planted.missingParent.count, 20)
        XCTAssertGreaterThan(planted.excluded.count, 10)
        XCTAssertGreaterThan(planted.froth.count, 5)
        let findings = TaxonomyFindings.findings(planted.samples, taxonomy: taxonomy)
        func images(_ kind: FindingKind, _ concept: String) -> Set<String> {
            Set(findings.filter { $0.kind == kind && $0.concept == concept }.flatMap(\.images))
        }

        // Image level: every planted image and no other.
        let cases: [(FindingKind, String, Set<String>)] = [
            (.missingParent, "perfect_pint", planted.missingParent), (.excludedTogether, "empty_glass", planted.excluded),
            (.notInTaxonomy, "froth", planted.froth), (.notInTaxonomy, "coaster", planted.coaster),
        ]
        for (kind, concept, truth) in cases {
            let (precision, recall) = precisionRecall(images(kind, concept), truth, "\(kind.rawValue) \(concept) (images)")
            XCTAssertEqual(precision, 1, "\(kind) \(concept)")
            XCTAssertEqual(recall, 1, "\(kind) \(concept)")
        }
        // Concept level: the planted (kind, concept) pairs and no other.
        let truth: Set<String> = ["missing-parent perfect_pint", "excluded-together empty_glass", "not-in-taxonomy froth", "not-in-taxonomy coaster",
                                  "no-data stout", "no-fitting-images spilled"]
        let found = Set(findings.map { "\($0.kind.rawValue) \($0.concept ?? "-")" })
        let (precision, recall) = precisionRecall(found, truth, "taxonomy findings (kind, concept)")
        XCTAssertEqual(precision, 1, "\(found.subtracting(truth))")
        XCTAssertEqual(recall, 1, "\(truth.subtracting(found))")

        // The words: the contradiction counted, the did-you-mean from a synonym, none for a stranger.
        let missing = try XCTUnwrap(findings.first { $0.kind == .missingParent })
        XCTAssertTrue(missing.message.contains("\(planted.contradicted) of them list pint as a negative"), missing.message)
        XCTAssertTrue(findings.first { $0.concept == "froth" }!.message.hasSuffix("did you mean foam?"))
        XCTAssertFalse(findings.first { $0.concept == "coaster" }!.message.contains("did you mean"))
        XCTAssertTrue(findings.first { $0.kind == .noFittingImages }!.message.contains("Beer spilled on the bar"))
        XCTAssertTrue(findings.first { $0.kind == .excludedTogether }!.message.contains("both empty_glass and pint"))
    }

    func testShippedTaxonomiesFindNothingInTheirOwnLabels() throws {
        for name in ["wedding", "apples", "pints"] {
            let path = Fixtures.repository.appendingPathComponent("datasets/\(name)").path
            let taxonomy = try XCTUnwrap(try Taxonomy.locate(data: path, explicit: nil))
            let samples = try Dataset.open(path, checkImages: false).samples
            XCTAssertEqual(TaxonomyFindings.findings(samples, taxonomy: taxonomy).map(\.message), [], name)
        }
    }
}
