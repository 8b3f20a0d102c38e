import FocalAdvice
import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalTraining
import Foundation
import XCTest

/// The advisor with image-level labels only, as most users have them: the
/// shipped wedding revision with every `regions` field of its training and
/// pool rows emptied. Focality is judged from each positive's map, counter-
/// examples are found by the element head; the revision must still fix the
/// context false positives without costing F1.
final class BoxFreeAdviceTests: XCTestCase {
    static let fixture: WeddingAdviceTests.Fixture = {
        let shipped = try! Dataset.open(WeddingAdviceTests.wedding)
        return WeddingAdviceTests.advised(Dataset(source: shipped.source, samples: shipped.samples.map { s in
            var t = s
            if t.split != .test { t.regions = [] }
            return t
        }, extraColumns: shipped.extraColumns))
    }()

    /// Every positive was judged from its map (none has a label to go by).
    func testEveryPositiveIsJudgedByItsMap() {
        let f = Self.fixture
        XCTAssertEqual(f.advice.focality.judged, 200)
        XCTAssertEqual(f.advice.focality.withoutRegionLabels, 200)
        let incidental = Set(f.dataset.trainingSamples.filter { $0.extra["focal"] == "incidental" }.map(\.path))
        let flagged = f.advice.focality.notFocal
        let hits = flagged.filter { incidental.contains($0.image) }.count
        print("box-free focality: \(flagged.count) positives judged not focal, \(hits) of them incidental (of \(incidental.count))")
        for x in flagged {
            XCTAssertEqual(x.method, "map")
            XCTAssertNotNil(x.region)
        }
        // Measured: 78 flagged, 52 incidental (0.67); with region labels the judge flags 67, all incidental.
        XCTAssertGreaterThanOrEqual(Double(hits) / Double(max(1, flagged.count)), 0.6, "precision of the not-focal flags")
    }

    /// The bar without boxes: a context false-positive rate down ≥ 50%
    /// relative, F1 not below revision 1's − 0.01, better than removing as many
    /// random positives. Without region labels in the pool, a photo with the
    /// context cannot be told by a label from one that also shows a bouquet;
    /// `PresenceHead` (the focal positives against the false positives and the
    /// negatives that show the context) sets aside those it finds one in.
    /// Measured before it, with the median-false-positive screen: 0.94 → 0.46,
    /// F1 −0.058, 20 of its 62 additions showing a bouquet.
    func testTheBoxFreeRevisionLowersTheFalsePositivesAndBeatsRandomRemoval() {
        let f = Self.fixture, v = f.verification
        print("box-free advice: context false-positive rate \(v.before.contextFalsePositiveRate) → \(v.after.contextFalsePositiveRate) "
              + "(random removal \(v.random.mean.contextFalsePositiveRate)); F1 change \(v.f1Change); "
              + "removed \(f.advice.proposal.remove.count), added \(f.advice.proposal.add.count), set aside \(f.advice.proposal.setAside ?? -1)")
        XCTAssertEqual(v.contextImages, 50)
        XCTAssertGreaterThanOrEqual(v.relativeDrop, 0.5)
        XCTAssertGreaterThanOrEqual(v.f1Change, -0.01)
        XCTAssertEqual(f.advice.proposal.screen, .presence)
        XCTAssertLessThan(v.after.contextFalsePositiveRate, v.random.mean.contextFalsePositiveRate)
        XCTAssertTrue(v.beatsRandom)
        XCTAssertGreaterThan(f.advice.proposal.setAside ?? 0, 0)
        XCTAssertTrue(f.advice.summary.contains("were left out"), f.advice.summary)
    }
}
