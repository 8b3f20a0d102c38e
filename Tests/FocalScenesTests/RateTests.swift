@testable import FocalScenes
import FocalTestSupport
import Foundation
import XCTest

/// Requested rates are met by construction, at any split size.
final class RateTests: XCTestCase {
    func plans<S: Scenario>(_ scenario: S, _ split: Split, _ count: Int, seed: UInt64 = 3) -> [S.Plan] {
        let configuration = SynthConfiguration(seed: seed, counts: [split: count])
        return Generator.plan(scenario, configuration: configuration).first!.1
    }

    func rate(_ hits: Int, _ total: Int) -> Double { total == 0 ? 0 : Double(hits) / Double(total) }

    /// 3 points, or half an item where a group is too small for that (17 items
    /// cannot hold 30 % to better than ±2.9 points; 8 cannot to better than ±6).
    func tolerance(_ n: Int) -> Double { max(0.03, 0.5 / Double(max(n, 1)) + 1e-9) }

    func testWeddingCoOccurrenceIsAsRequestedAtAnyCount() {
        for (with, without) in [(0.9, 0.1), (0.75, 0.3), (0.5, 0.5), (1.0, 0.0)] {
            for count in [17, 50, 333, 1000] {
                let list = plans(Wedding(contextWithBouquet: with, contextWithoutBouquet: without, focalRate: 0.3), .train, count)
                let positives = list.filter(\.bouquet), negatives = list.filter { !$0.bouquet }
                XCTAssertEqual(rate(positives.count, count), 0.5, accuracy: tolerance(count))
                // Each context element on its own, among images with and without a bouquet.
                for element in [\Wedding.Plan.veil, \.greenery, \.flowers] {
                    XCTAssertEqual(rate(positives.filter { $0[keyPath: element] }.count, positives.count), with, accuracy: tolerance(positives.count),
                                   "count \(count)")
                    XCTAssertEqual(rate(negatives.filter { $0[keyPath: element] }.count, negatives.count), without, accuracy: tolerance(negatives.count),
                                   "count \(count)")
                }
                let focal = positives.filter(\.focal).count
                // Focus is assigned within each context level, so rounding can add up to one item per level.
                XCTAssertEqual(rate(focal, positives.count), 0.3, accuracy: tolerance(positives.count) + 1.0 / Double(positives.count))
                XCTAssertTrue(list.allSatisfy { !$0.veil || $0.person }, "a veil is always worn")
                XCTAssertTrue(list.allSatisfy { $0.bouquet || !$0.focal })
            }
        }
    }

    func testWeddingTestSplitIsDecoupledIntoEqualGroups() {
        for count in [200, 203, 48] {
            let list = plans(Wedding(), .test, count)
            var groups: [String: Int] = [:]
            for p in list {
                XCTAssertTrue(p.context != "partial", "test context is all or nothing")
                groups["\(p.bouquet)/\(p.context)", default: 0] += 1
            }
            XCTAssertEqual(groups.count, 4)
            XCTAssertLessThanOrEqual(groups.values.max()! - groups.values.min()!, count % 4 == 0 ? 0 : 1, "\(groups)")
        }
    }

    func testMeasuredRatesInAGeneratedManifest() throws {
        let out = try temporaryFolder("scenes")
        let configuration = SynthConfiguration(seed: 11, size: 96, counts: [.train: 120, .test: 40])
        try Generator.generate(Wedding(contextWithBouquet: 0.9, contextWithoutBouquet: 0.1), configuration: configuration,
                               into: out)
        let (_, rows) = try readManifest(out)
        let train = rows.filter { $0.split == "train" }
        let with = train.filter { $0.positives.contains("bouquet") }, without = train.filter { !$0.positives.contains("bouquet") }
        for element in Wedding.contextElements {
            XCTAssertEqual(rate(with.filter { $0.positives.contains(element) }.count, with.count), 0.9, accuracy: 0.03, element)
            XCTAssertEqual(rate(without.filter { $0.positives.contains(element) }.count, without.count), 0.1, accuracy: 0.03, element)
        }
        var groups: [String: Int] = [:]
        for row in rows where row.split == "test" {
            groups["\(row.positives.contains("bouquet"))/\(row.fields["context"]!)", default: 0] += 1
        }
        XCTAssertEqual(groups, ["true/wedding": 10, "true/none": 10, "false/wedding": 10, "false/none": 10])
    }

    func testApplesColourMixPerSplit() {
        let scenario = Apples(appleRate: 0.4, redRate: [.train: 0, .test: 0.5, .pool: 0.8])
        for (split, red) in [(Split.train, 0.0), (.test, 0.5), (.pool, 0.8)] {
            for count in [25, 300] {
                let list = plans(scenario, split, count)
                let withApples = list.filter { $0.apples > 0 }
                XCTAssertEqual(rate(withApples.count, count), 0.4, accuracy: 0.03)
                XCTAssertEqual(rate(withApples.filter(\.red).count, withApples.count), red, accuracy: tolerance(withApples.count))
                XCTAssertTrue(list.filter { $0.apples == 0 }.allSatisfy { $0.others.count >= 2 })
            }
        }
    }

    func testPintsPerfectRateAndStyles() {
        let scenario = Pints(perfectRate: 0.3, styles: [.train: .studio, .test: .phone, .pool: .mixed])
        for count in [31, 400] {
            for split in Split.allCases {
                let list = plans(scenario, split, count)
                XCTAssertEqual(rate(list.filter { $0.pour == .perfect }.count, count), 0.3, accuracy: 0.03)
                let phone = rate(list.filter(\.phone).count, count)
                XCTAssertEqual(phone, split == .train ? 0 : (split == .test ? 1 : 0.5), accuracy: 0.03)
                // Flaws are spread evenly over the three kinds.
                let flaws = Dictionary(grouping: list.filter { $0.pour != .perfect }, by: \.pour).mapValues(\.count)
                XCTAssertLessThanOrEqual(flaws.values.max()! - flaws.values.min()!, 1)
            }
        }
    }
}
