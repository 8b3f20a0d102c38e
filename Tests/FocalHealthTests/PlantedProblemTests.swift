import FocalConcepts
import FocalDatasets
import FocalHealth
import FocalImages
import FocalNumerics
import FocalTraining
import Foundation
import XCTest

/// Each problem planted in generated data (the shipped scenes, cut and
/// relabelled), found, and the planted images ranked first. The ground truth
/// is what was planted, never the program's own output.
final class PlantedProblemTests: XCTestCase {
    func check(_ input: HealthInput) throws -> HealthReport { try HealthCheck(seed: 0).run(input) }

    func findings(_ r: HealthReport, _ kind: FindingKind, _ concept: String? = nil) -> [Finding] {
        r.findings.filter { $0.kind == kind && (concept == nil || $0.concept == concept) }
    }

    func testTooFewPositivesIsHigh() throws {
        // Keep 6 training scenes with an apple (and every scene without one).
        var kept = 0
        let data = Fixtures.select(Fixtures.apples, where: { s in
            guard Fixtures.isTrain(s) else { return false }
            if s.label("apple") != true { return true }
            kept += 1
            return kept <= 6
        })
        let report = try check(HealthInput(training: data))
        let apple = findings(report, .tooFew, "apple")
        XCTAssertEqual(apple.count, 1)
        XCTAssertEqual(apple.first?.severity, .high)
        XCTAssertTrue(apple.first?.message.contains("only 6 positives") ?? false, apple.first?.message ?? "")
        // Concepts with at least 30 of each class (counted here from the labels) get no too-few finding.
        for concept in data.concepts {
            let labels = data.samples.compactMap { $0.label(concept) }
            if labels.filter({ $0 }).count >= 30 && labels.filter({ !$0 }).count >= 30 {
                XCTAssertTrue(findings(report, .tooFew, concept).isEmpty, concept)
            }
        }
        XCTAssertNil(report.concepts.first { $0.concept == "apple" }?.learningCurve, "no learning curve below 10 positives")
    }

    func testGreenTrainingApplesMissRedTestApples() throws {
        let train = Fixtures.select(Fixtures.apples, where: Fixtures.isTrain)
        let test = Fixtures.select(Fixtures.apples, where: Fixtures.isTest)
        let report = try check(HealthInput(training: train, test: test))
        let narrow = try XCTUnwrap(findings(report, .narrow, "apple").first, "\(report.findings.map(\.message))")
        XCTAssertEqual(narrow.severity, .high)
        XCTAssertTrue(narrow.message.contains("red"), narrow.message)
        let red = Set(test.samples.filter { $0.extra["apple_color"] == "red" }.map(\.path))
        XCTAssertGreaterThan(red.count, 15)
        // The top of the list is the planted red apples.
        let top = narrow.images.prefix(10)
        print("narrow apple: \(narrow.images.count) far test positives, \(narrow.images.filter(red.contains).count) of them red; "
              + "red among the top 10: \(top.filter(red.contains).count); \(red.count) red test apples")
        XCTAssertGreaterThanOrEqual(top.filter(red.contains).count, 9, "\(top)")
        // Fruit whose colour did not change between train and test is not reported as narrow.
        for f in report.findings where f.kind == .narrow && f.concept != "apple" {
            XCTAssertNotEqual(f.severity, .high, f.message)
        }
    }

    func testConceptOfTwoUnrelatedKindsOfSceneSplits() throws {
        // 'thing' = 60 apple scenes and 60 pint photos; its negatives are fruit scenes without apples.
        var apples = 0
        let fruit = Fixtures.select(Fixtures.apples, concepts: ["thing"], where: { s in
            guard Fixtures.isTrain(s) else { return false }
            if s.label("apple") == true { apples += 1; return apples <= 60 }
            return true
        }, relabel: { s in
            var t = s
            (t.positives, t.negatives) = s.label("apple") == true ? (["thing"], []) : ([], ["thing"])
            return t
        })
        var pintCount = 0
        let pints = Fixtures.select(Fixtures.pints, concepts: ["thing"], where: { s in
            guard Fixtures.isTrain(s) else { return false }
            pintCount += 1
            return pintCount <= 60
        }, relabel: { s in var t = s; t.positives = ["thing"]; t.negatives = []; return t })
        let data = Fixtures.stack(fruit, pints)
        let pintPaths = Set(pints.samples.map(\.path))
        // The taxonomy describes only one of the two kinds: the split finding carries the description to hold the groups against.
        let description = "An apple on a table among other fruit."
        let taxonomy = Taxonomy(file: "taxonomy.yaml", sha256: "", concepts: [TaxonomyConcept(name: "thing", description: description)])
        let report = try check(HealthInput(training: data, taxonomy: taxonomy))
        let split = try XCTUnwrap(findings(report, .splitConcept, "thing").first, "\(report.findings.map(\.message))")
        XCTAssertEqual(split.description, description)
        XCTAssertTrue(split.message.contains(description) && split.advice.contains("a group it does not name"), split.message)
        XCTAssertEqual(report.concepts.first { $0.concept == "thing" }?.description, description)
        XCTAssertEqual(report.findings.filter { $0.kind == .noData || $0.kind == .notInTaxonomy }.count, 0)
        let groups = try XCTUnwrap(split.groups)
        print("split concept: \(split.message.prefix(80))")
        XCTAssertEqual(groups.count, 2)
        for group in groups {
            let pintShare = Double(group.filter(pintPaths.contains).count) / Double(group.count)
            XCTAssertTrue(pintShare >= 0.95 || pintShare <= 0.05, "a group mixes the two kinds: \(pintShare)")
        }
    }

    func testFlippedLabelsAreFoundWithPrecision() throws {
        // 'pint' on 400 scenes: the pint photos positive, the fruit scenes negative; 5% of labels flipped.
        let pints = Fixtures.select(Fixtures.pints, concepts: ["pint"], where: Fixtures.isTrain,
                                    relabel: { s in var t = s; t.positives = ["pint"]; t.negatives = []; return t })
        let fruit = Fixtures.select(Fixtures.apples, concepts: ["pint"], where: Fixtures.isTrain,
                                    relabel: { s in var t = s; t.positives = []; t.negatives = ["pint"]; return t })
        let clean = Fixtures.stack(pints, fruit)
        var random = SplitMix64(seed: 7)
        var rows = Array(0..<clean.samples.count)
        random.shuffle(&rows)
        let flipped = Set(rows.prefix(clean.samples.count / 20))
        let noisy = Fixtures.select(clean, where: { _ in true }, relabel: { s in
            guard let i = clean.samples.firstIndex(of: s), flipped.contains(i) else { return s }
            var t = s
            (t.positives, t.negatives) = (s.negatives, s.positives)
            return t
        })
        let planted = Set(flipped.map { clean.samples[$0].path })
        let report = try check(HealthInput(training: noisy))
        let issues = try XCTUnwrap(findings(report, .mislabeled, "pint").first)
        let hits = issues.images.filter(planted.contains).count
        let precision = Double(hits) / Double(issues.images.count)
        print("flipped labels: \(planted.count) planted, \(issues.images.count) flagged, \(hits) of them planted "
              + "(precision \(precision), recall \(Double(hits) / Double(planted.count)))")
        XCTAssertGreaterThanOrEqual(precision, 0.8, "flagged \(issues.images.count), \(hits) planted")
        XCTAssertGreaterThanOrEqual(Double(hits) / Double(planted.count), 0.5, "recall")
        XCTAssertTrue(issues.images.prefix(10).allSatisfy(planted.contains), "the top 10 are planted flips")
    }

    func testFlippedAppleLabelsInFruitScenesAreFound() throws {
        // A real concept of the apples scenes (apples among other fruit), 5% of its 200 training labels flipped.
        let clean = Fixtures.select(Fixtures.apples, concepts: ["apple"], where: Fixtures.isTrain)
        var random = SplitMix64(seed: 11)
        var rows = Array(0..<clean.samples.count)
        random.shuffle(&rows)
        let flipped = Set(rows.prefix(clean.samples.count / 20).map { clean.samples[$0].path })
        let noisy = Fixtures.select(clean, where: { _ in true }, relabel: { s in
            guard flipped.contains(s.path) else { return s }
            var t = s
            if s.label("apple") == true {
                t.positives.removeAll { $0 == "apple" }
                t.negatives.append("apple")
            } else {
                t.negatives.removeAll { $0 == "apple" }
                t.positives.append("apple")
            }
            return t
        })
        let report = try HealthCheck().run(HealthInput(training: noisy))
        let issues = try XCTUnwrap(findings(report, .mislabeled, "apple").first)
        let hits = issues.images.filter(flipped.contains).count
        let precision = Double(hits) / Double(issues.images.count)
        print("flipped apple labels: \(flipped.count) planted, \(issues.images.count) flagged, \(hits) of them planted "
              + "(precision \(precision), recall \(Double(hits) / Double(flipped.count)))")
        XCTAssertGreaterThanOrEqual(precision, 0.8)
        XCTAssertGreaterThanOrEqual(Double(hits) / Double(flipped.count), 0.5, "recall")
        XCTAssertEqual(issues.severity, .high)
    }
}
