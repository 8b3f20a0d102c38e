import FocalAdvice
import FocalDatasets
import Foundation
import XCTest

/// The advisor's bookkeeping on small hand-made datasets.
final class ProposalTests: XCTestCase {
    func sample(_ name: String, _ positives: [String] = [], _ negatives: [String] = [], split: Split? = .train,
                regions: [String] = []) -> Sample {
        Sample(image: name, path: "/data/" + name, positives: positives, negatives: negatives, split: split,
               regions: regions.map { Region(concept: $0, x: 0, y: 0, width: 4, height: 4) }, extra: ["note": name])
    }

    func testCoOccurrenceByHand() {
        let samples = [
            sample("a", ["cat", "sofa"]), sample("b", ["cat"], regions: ["sofa"]), sample("c", ["cat"]),
            sample("d", [], ["cat"], regions: ["sofa"]), sample("e", ["dog"], ["cat"]), sample("f", [], ["cat"]),
            sample("g", ["sofa"]),  // unlabelled for cat: counted on neither side
        ]
        let c = CoOccurrence(concept: "cat", samples: samples, evidence: ["sofa"])
        XCTAssertEqual(c.positives, 3)
        XCTAssertEqual(c.negatives, 3)
        let sofa = c.elements.first { $0.name == "sofa" }!
        XCTAssertEqual(sofa.inPositives, 2)
        XCTAssertEqual(sofa.inNegatives, 1)
        XCTAssertEqual(sofa.lift, (2.5 / 4) / (1.5 / 4), accuracy: 1e-12)
        XCTAssertTrue(sofa.namedAsEvidence)
        let dog = c.elements.first { $0.name == "dog" }!
        XCTAssertEqual(dog.lift, (0.5 / 4) / (1.5 / 4), accuracy: 1e-12)
        XCTAssertEqual(c.elements.map(\.name), ["sofa", "dog"])  // largest lift first
        XCTAssertEqual(c.drivers(minimumLift: 1.5, minimumRate: 0.5).map(\.name), ["sofa"])
    }

    func testCounterExamplesNeedTheDriversAndNoConcept() {
        let pool = [
            sample("p1", split: .pool, regions: ["veil", "greenery"]),              // both annotated
            sample("p2", split: .pool, regions: ["veil", "bouquet"]),               // shows the concept
            sample("p3", split: .pool),                                             // model says veil+greenery
            sample("p4", split: .pool),                                             // model says only veil
            sample("p5", [], ["bouquet"], split: .pool),                            // labelled negative, model says both
        ]
        let scores: [String: [Double]] = ["veil": [0, 0.9, 0.8, 0.9, 0.7], "greenery": [0, 0.9, 0.6, 0.1, 0.9]]
        let found = CounterExampleSearch(concept: "bouquet", drivers: ["veil", "greenery"]).find(pool: pool, scores: scores)
        XCTAssertEqual(found.map { ($0.image as NSString).lastPathComponent }, ["p1", "p5", "p3"])
        XCTAssertEqual(found.map(\.verified), [true, true, false])
        XCTAssertEqual(found[0].score, 1)
        XCTAssertEqual(found[2].score, 0.7, accuracy: 1e-12)
        XCTAssertEqual(found[0].elements.map(\.source), ["annotation", "annotation"])
    }

    func testRevisionRemovesChangesAndAddsRowsKeepingColumns() throws {
        let dataset = Dataset(source: "/data/manifest.csv", samples: [
            sample("a.jpg", ["cat"]), sample("b.jpg", ["cat"]), sample("c.jpg", [], ["cat"]),
            sample("t.jpg", ["cat"], split: .test), sample("p.jpg", split: .pool, regions: ["sofa"]),
        ], extraColumns: ["note"])
        let outside = sample("q.jpg", ["sofa"], split: nil)
        let proposal = Proposal(
            concept: "cat",
            remove: [.init(image: "/data/b.jpg", reason: "context", contextShare: 0.8, influence: 0.1, elements: [])],
            add: [.init(image: "/data/p.jpg", elements: [], score: 1, verified: true),
                  .init(image: "/data/q.jpg", elements: [], score: 0.9, verified: false)])
        let revision = proposal.revision(of: dataset, pool: [dataset.samples[4], outside])
        XCTAssertEqual(revision.samples.map(\.image), ["a.jpg", "c.jpg", "t.jpg", "p.jpg", "q.jpg"])
        XCTAssertEqual(revision.samples[3].split, .train)
        XCTAssertEqual(revision.samples[3].negatives, ["cat"])
        XCTAssertEqual(revision.samples[3].regions, dataset.samples[4].regions)
        XCTAssertEqual(revision.samples[4].split, .train)
        XCTAssertEqual(revision.samples[4].positives, ["sofa"])
        XCTAssertEqual(revision.samples[4].negatives, ["cat"])
        XCTAssertEqual(revision.extraColumns, ["note"])
        XCTAssertEqual(revision.csv().split(separator: "\n").first, "image,positives,negatives,split,regions,note")
        // Nothing in the original changed.
        XCTAssertEqual(dataset.samples.count, 5)
    }

    /// Training rows without a split (the rest test or pool): counter-examples
    /// join them, so the revision still trains on its positives; test rows are never touched.
    func testRevisionOfAManifestWithoutATrainSplit() {
        let dataset = Dataset(source: "/data/manifest.csv", samples: [
            sample("a.jpg", ["cat"], split: nil), sample("b.jpg", [], ["cat"], split: nil),
            sample("t.jpg", [], ["cat"], split: .test), sample("p.jpg", split: .pool),
        ])
        let proposal = Proposal(concept: "cat", remove: [.init(image: "/data/t.jpg", reason: "", contextShare: 1, influence: nil, elements: [])],
                                add: [.init(image: "/data/p.jpg", elements: [], score: 1, verified: true),
                                      .init(image: "/data/t.jpg", elements: [], score: 1, verified: true)])
        let revision = proposal.revision(of: dataset, pool: [])
        XCTAssertEqual(revision.trainingSamples.map(\.image), ["a.jpg", "b.jpg", "p.jpg"])
        XCTAssertEqual(revision.samples(in: .test), dataset.samples(in: .test))
    }

    func testSummaryInPlainWords() {
        let proposal = Proposal(
            concept: "bouquet",
            remove: (0..<12).map { .init(image: "r\($0)", reason: "", contextShare: 0.7, influence: nil, elements: []) },
            add: (0..<15).map { .init(image: "a\($0)", elements: [], score: 1, verified: true) })
        XCTAssertEqual(proposal.summary(positives: 40, drivers: ["veil", "greenery"], notFocal: 12),
                       "12 of 40 'bouquet' positives are photos where the bouquet is not the focal point: the score comes from veil/greenery; remove 12 of them and add 15 veil/greenery photos without a bouquet as negatives.")
    }

    /// The screen keeps labelled candidates whatever they score and unlabelled
    /// ones at or below the false positives' median log-odds (worked by hand).
    func testTheScreenKeepsUnlabelledCandidatesScoringLikeTheFalsePositives() throws {
        func candidate(_ name: String, verified: Bool, logit: Double?) -> CounterExample {
            CounterExample(image: name, elements: [], score: 1, verified: verified, conceptLogit: logit)
        }
        let odd = try XCTUnwrap(CounterExampleScreen(falsePositiveLogits: [5, 1, 3]))
        XCTAssertEqual(odd.ceiling, 3)
        XCTAssertEqual(try XCTUnwrap(CounterExampleScreen(falsePositiveLogits: [4, 1, 3, 2, .nan])).ceiling, 2.5)
        XCTAssertNil(CounterExampleScreen(falsePositiveLogits: []))
        let (kept, aside) = odd.screen([
            candidate("labelled-high", verified: true, logit: 10), candidate("at", verified: false, logit: 3),
            candidate("above", verified: false, logit: 3.5), candidate("below", verified: false, logit: -2),
            candidate("unscored", verified: false, logit: nil),
        ])
        XCTAssertEqual(kept.map(\.image), ["labelled-high", "at", "below", "unscored"])
        XCTAssertEqual(aside, 1)
        let summary = Proposal(concept: "bouquet", remove: [], add: kept, setAside: aside).summary(positives: 10, drivers: ["veil"], notFocal: 0)
        XCTAssertTrue(summary.contains("1 unlabelled veil photo was left out"), summary)
    }

    /// With the presence rule, an unlabelled candidate is set aside when the
    /// presence head's probability reaches its threshold (as `predict` calls a
    /// positive), labelled ones are kept, and the summary says which rule judged.
    func testThePresenceRuleSetsAsideWhatTheHeadFindsTheConceptIn() {
        func candidate(_ name: String, verified: Bool, presence: Double?) -> CounterExample {
            CounterExample(image: name, elements: [], score: 1, verified: verified, conceptLogit: 100, presence: presence)
        }
        let screen = CounterExampleScreen(rule: .presence, ceiling: 0.4)
        let (kept, aside) = screen.screen([
            candidate("labelled", verified: true, presence: 0.99), candidate("at", verified: false, presence: 0.4),
            candidate("below", verified: false, presence: 0.39), candidate("above", verified: false, presence: 0.9),
            candidate("unscored", verified: false, presence: nil),
        ])
        XCTAssertEqual(kept.map(\.image), ["labelled", "below", "unscored"])
        XCTAssertEqual(aside, 2)
        let summary = Proposal(concept: "bouquet", remove: [], add: kept, setAside: aside, screen: .presence)
            .summary(positives: 10, drivers: ["veil"], notFocal: 0)
        XCTAssertTrue(summary.contains("2 unlabelled veil photos were left out: a head trained to tell the bouquet from its context"), summary)
    }
}
