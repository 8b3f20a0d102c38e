import FocalDatasets
import FocalTestSupport
import Foundation
import XCTest

/// Reading `taxonomy.yaml`: the shipped ones, every fault of a hand-written
/// file as one line naming its place, the hierarchy's queries, did-you-mean,
/// and propagation of labels, each against answers worked out by hand.
final class TaxonomyTests: XCTestCase {
    static let datasets = Repository.root.appendingPathComponent("datasets").path
    var folder = ""

    override func setUpWithError() throws { folder = try temporaryFolder("taxonomy") }

    /// Writes `text` to a file in the test's folder and returns its path.
    func file(_ text: String, _ name: String = "taxonomy.yaml") throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The error reading `text` gives, as printed.
    func error(_ text: String) throws -> String {
        let path = try file(text)
        do {
            _ = try Taxonomy.read(path)
        } catch let e as TaxonomyError {
            return e.description
        }
        XCTFail("no error for:\n\(text)")
        return ""
    }

    func testShippedTaxonomiesDescribeExactlyTheConceptsOfTheirData() throws {
        for name in ["wedding", "apples", "pints"] {
            let taxonomy = try XCTUnwrap(try Taxonomy.locate(data: Self.datasets + "/" + name, explicit: nil), name)
            let dataset = try Dataset.open(Self.datasets + "/" + name, checkImages: false)
            XCTAssertEqual(Set(taxonomy.names), Set(dataset.concepts), name)
            XCTAssertTrue(taxonomy.concepts.allSatisfy { !$0.description.isEmpty }, name)
        }
        let pints = try Taxonomy.read(Self.datasets + "/pints/taxonomy.yaml")
        XCTAssertEqual(pints["perfect_pint"]?.parent, "pint")
        // Picked up beside a manifest file as beside its folder.
        XCTAssertEqual(try Taxonomy.locate(data: Self.datasets + "/pints/manifest.csv", explicit: nil)?.sha256, pints.sha256)
        XCTAssertNil(try Taxonomy.locate(data: Self.datasets + "/photos", explicit: nil))
    }

    func testShapeHierarchyAndDigest() throws {
        let text = """
            concepts:
              drink:
                description: Something to drink.
              beer:
                description: Beer in a glass.
                parent: drink
                synonyms: [ale]
              stout:
                description: A dark beer.
                parent: beer
                excludes: [lager]
              lager:
                description: A pale beer.
                parent: beer
                excludes: water
              water:
                description: Plain water.
                parent: drink
            """
        let path = try file(text)
        let t = try Taxonomy.read(path)
        XCTAssertEqual(t.names, ["drink", "beer", "stout", "lager", "water"])
        XCTAssertEqual(t.ancestors(of: "stout"), ["beer", "drink"])
        XCTAssertEqual(Set(t.descendants(of: "beer")), ["stout", "lager"])
        XCTAssertEqual(Set(t.descendants(of: "drink")), ["beer", "stout", "lager", "water"])
        XCTAssertTrue(t.excludes("lager", "stout"), "exclusion is symmetric")
        XCTAssertTrue(t.excludes("water", "lager"), "a single name is a one-item list")
        XCTAssertFalse(t.excludes("stout", "water"))
        XCTAssertEqual(t["beer"]?.synonyms, ["ale"])
        // The digest is SHA-256 of the file's bytes (sha256sum's answer).
        XCTAssertEqual(t.sha256, try sha256sum(path))
    }

    func testMalformedYAMLIsOneLineWithLineAndColumn() throws {
        // Line 4 opens a flow sequence that line 5 never closes.
        let unclosed = try error("concepts:\n  beer:\n    description: Beer.\n    synonyms: [ale, stout\n  water:\n    description: Water.\n")
        XCTAssertTrue(unclosed.hasPrefix(folder + "/taxonomy.yaml:5:"), unclosed)
        XCTAssertFalse(unclosed.contains("\n"), unclosed)
        // A tab where indentation is expected: line 3, column 1.
        let tab = try error("concepts:\n  beer:\n\tdescription: Beer.\n")
        XCTAssertTrue(tab.hasPrefix(folder + "/taxonomy.yaml:3:1: not valid YAML"), tab)
        XCTAssertFalse(tab.contains("\n"), tab)
        // The same concept twice: found by the YAML reader at its mapping.
        let twice = try error("concepts:\n  beer:\n    description: Beer.\n  beer:\n    description: Ale.\n")
        XCTAssertTrue(twice.contains("'beer' appears twice"), twice)
        XCTAssertTrue(twice.hasPrefix(folder + "/taxonomy.yaml:"), twice)
    }

    func testStructuralFaultsNameTheirPlace() throws {
        let t = folder + "/taxonomy.yaml"
        XCTAssertEqual(try error(""), "\(t): empty: expected a 'concepts:' mapping of concept names")
        XCTAssertEqual(try error("concept:\n  beer:\n    description: Beer.\n"), "\(t):1:1: unknown top-level key 'concept' (expected 'concepts')")
        XCTAssertEqual(try error("concepts:\n  beer:\n    descripton: Beer.\n"),
                       "\(t):3:5: concept 'beer': unknown key 'descripton' (expected description, parent, excludes, synonyms)")
        XCTAssertEqual(try error("concepts:\n  beer:\n    parent: drink\n"), "\(t):2:3: concept 'beer' has no description")
        XCTAssertEqual(try error("concepts:\n  beer:\n    description: Beer.\n    parent: drink\n"),
                       "\(t):4:13: concept 'beer': parent 'drink' is not a concept of this taxonomy")
        XCTAssertEqual(try error("concepts:\n  beer:\n    description: Beer.\n    excludes: [wine]\n"),
                       "\(t):4:15: concept 'beer': excludes 'wine', which is not a concept of this taxonomy")
        XCTAssertEqual(try error("concepts:\n  beer:\n    description: Beer.\n    synonyms: {a: b}\n"),
                       "\(t):4:15: concept 'beer': synonyms must be a list of names")
    }

    func testParentCycleIsAClearError() throws {
        let cycle = try error("""
            concepts:
              a:
                description: A.
                parent: c
              b:
                description: B.
                parent: a
              c:
                description: C.
                parent: b
            """)
        XCTAssertEqual(cycle, folder + "/taxonomy.yaml:4:13: the parents form a cycle: a → c → b → a")
        XCTAssertEqual(try error("concepts:\n  a:\n    description: A.\n    parent: a\n"),
                       folder + "/taxonomy.yaml:4:13: concept 'a' is its own parent")
    }

    func testExclusionThatContradictsTheHierarchy() throws {
        let text = "concepts:\n  beer:\n    description: Beer.\n  stout:\n    description: Stout.\n    parent: beer\n    excludes: [beer]\n"
        XCTAssertEqual(try error(text), folder + "/taxonomy.yaml:7:15: concept 'stout' excludes 'beer', but every 'stout' is a 'beer' "
                       + "(parent chain), so both are positive together")
        // The same from the ancestor's side.
        let down = "concepts:\n  beer:\n    description: Beer.\n    excludes: [stout]\n  stout:\n    description: Stout.\n    parent: beer\n"
        XCTAssertTrue(try error(down).contains("concept 'beer' excludes 'stout', but every 'stout' is a 'beer'"))
        // A synonym may not name two concepts.
        let both = "concepts:\n  beer:\n    description: Beer.\n    synonyms: [ale]\n  ale:\n    description: Ale.\n"
        let synonym = try error(both)
        XCTAssertTrue(synonym.contains("concept 'beer': synonym 'ale' also names 'ale'"), synonym)
    }

    func testDidYouMean() throws {
        let t = try Taxonomy.read(Self.datasets + "/apples/taxonomy.yaml")
        XCTAssertEqual(t.suggestion(for: "grape"), "grapes", "a synonym")
        XCTAssertEqual(t.suggestion(for: "Bunch-of-Grapes"), "grapes", "case, '-' and spaces")
        XCTAssertEqual(t.suggestion(for: "tomatoe"), "tomato", "one edit")
        XCTAssertEqual(t.suggestion(for: "lemmon"), "lemon")
        XCTAssertNil(t.suggestion(for: "zebra"))
        XCTAssertNil(t.suggestion(for: "kiwi"))
    }

    func testPropagationFollowsIsA() throws {
        let t = Taxonomy(file: "t", sha256: "", concepts: [
            TaxonomyConcept(name: "drink", description: "d"),
            TaxonomyConcept(name: "beer", description: "b", parent: "drink"),
            TaxonomyConcept(name: "stout", description: "s", parent: "beer"),
            TaxonomyConcept(name: "water", description: "w", parent: "drink"),
        ])
        let samples = [
            Sample(image: "1", path: "1", positives: ["stout"]),                          // up two levels
            Sample(image: "2", path: "2", negatives: ["beer"]),                           // down one level
            Sample(image: "3", path: "3", positives: ["stout"], negatives: ["drink"]),    // contradiction: the positive wins
            Sample(image: "4", path: "4", positives: ["water"], negatives: ["beer"]),
        ]
        let (out, changes) = t.propagated(samples)
        XCTAssertEqual(Set(out[0].positives), ["stout", "beer", "drink"])
        XCTAssertEqual(out[0].negatives, [])
        XCTAssertEqual(Set(out[1].negatives), ["beer", "stout"])
        XCTAssertEqual(Set(out[2].positives), ["stout", "beer", "drink"])
        XCTAssertEqual(out[2].negatives, [])
        XCTAssertEqual(Set(out[3].positives), ["water", "drink"])
        XCTAssertEqual(Set(out[3].negatives), ["beer", "stout"])
        XCTAssertEqual(changes, Taxonomy.Propagation(positivesAdded: 2 + 2 + 1, negativesAdded: 1 + 1, negativesOverruled: 1))
    }
}
