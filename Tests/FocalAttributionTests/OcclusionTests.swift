@testable import FocalAttribution
@testable import FocalBackbone
import FocalImages
import Foundation
import XCTest

/// Occlusion of chelsea224.png against the independent float64 grid in
/// shared/vectors/occlusion_chelsea.json (window 32, stride 16, fill 0 in
/// normalised space, value = logit282(original) − logit282(occluded)).
final class OcclusionTests: XCTestCase {
    struct Reference: Decodable { let grid: [[Double]]; let base_logit: Double; let target: Int }

    static let positions = Array(stride(from: 0, through: 192, by: 16))
    static let patches = positions.flatMap { y in positions.map { x in GridBox(rows: y..<(y + 32), columns: x..<(x + 32)) } }

    func setUpNetwork() throws -> (Occlusion, [Float], Reference) {
        let fixture = Bundle.module.url(forResource: "Fixtures/chelsea224", withExtension: "png")!
        let image = Preprocessing.normalize(try ImageDecoder().decode(path: fixture.path))
        let url = Bundle.module.url(forResource: "Fixtures/occlusion_chelsea", withExtension: "json")!
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        return (Occlusion(network: Shared.backbone.network), image, reference)
    }

    func drops(_ result: Occlusion.Result, target: Int) -> [Double] {
        let network = Shared.backbone.network
        let base = Double(network.logits(result.base)[target])
        return result.embeddings.map { base - Double(network.logits($0)[target]) }
    }

    func testNaiveMatchesTheReferenceGrid() throws {
        let (occlusion, image, reference) = try setUpNetwork()
        let gray = [Float](repeating: 0, count: image.count)
        let result = occlusion.embeddings(image: image, baseline: gray, patches: Self.patches, mode: .naive)
        let ours = drops(result, target: reference.target)
        let theirs = reference.grid.flatMap { $0 }
        XCTAssertEqual(ours.count, 169)
        let diff = zip(ours, theirs).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(diff, 1e-3, "max difference to the float64 grid: \(diff)")
        XCTAssertEqual(Double(Shared.backbone.network.logits(result.base)[282]), reference.base_logit, accuracy: 1e-3)
        XCTAssertEqual(result.multiplyAdds, 170 * Shared.backbone.network.multiplyAddsPerImage)
    }

    func testExactIncrementalAgreesWithNaive() throws {
        let (occlusion, image, reference) = try setUpNetwork()
        let gray = [Float](repeating: 0, count: image.count)
        let naive = occlusion.embeddings(image: image, baseline: gray, patches: Self.patches, mode: .naive)
        let exact = occlusion.embeddings(image: image, baseline: gray, patches: Self.patches, mode: .exact)
        let a = drops(naive, target: reference.target), b = drops(exact, target: reference.target)
        let diff = zip(a, b).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(diff, 1e-4, "exact incremental vs naive: \(diff)")
        let embeddingDiff = zip(naive.embeddings.joined(), exact.embeddings.joined()).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(embeddingDiff, 1e-4)
        // Fewer multiply-adds: the bound for 32/16 on this network is 1/1.71 of naive.
        let saving = Double(naive.multiplyAdds) / Double(exact.multiplyAdds)
        XCTAssertGreaterThan(saving, 1.5)
        XCTAssertLessThan(saving, 1.9)
        print("occlusion multiply-adds: naive \(naive.multiplyAdds), exact \(exact.multiplyAdds), saving \(saving)x")
    }

    /// A patch at the image border and a patch larger than a stride-2 grid cell.
    func testExactAtBordersAndOddPatches() throws {
        let (occlusion, image, _) = try setUpNetwork()
        var baseline = image
        for i in baseline.indices { baseline[i] = 0.3 - baseline[i] }  // any image will do
        let patches = [GridBox(rows: 0..<7, columns: 217..<224), GridBox(rows: 100..<161, columns: 3..<40),
                       GridBox(rows: 0..<224, columns: 0..<224), GridBox(rows: 223..<224, columns: 0..<1)]
        let naive = occlusion.embeddings(image: image, baseline: baseline, patches: patches, mode: .naive)
        let exact = occlusion.embeddings(image: image, baseline: baseline, patches: patches, mode: .exact)
        for (n, e) in zip(naive.embeddings, exact.embeddings) {
            XCTAssertLessThanOrEqual(zip(n, e).map { abs($0 - $1) }.max()!, 1e-4)
        }
    }

    /// The change threshold: at 0 only positions that did not move at all
    /// are skipped, so the embeddings are the exact ones; a threshold skips
    /// positions and so multiply-adds, and every embedding stays within reach.
    func testChangeThreshold() throws {
        let (occlusion, image, _) = try setUpNetwork()
        var baseline = image
        for i in baseline.indices { baseline[i] = 0.3 - baseline[i] }
        let patches = [GridBox(rows: 0..<32, columns: 192..<224), GridBox(rows: 96..<128, columns: 80..<112),
                       GridBox(rows: 100..<161, columns: 3..<40)]
        let exact = Incremental(network: occlusion.network, image: image, baseline: baseline)
            .embeddings(patches: patches, batchSize: 2)
        let zero = Incremental(network: occlusion.network, image: image, baseline: baseline, changeThreshold: 0)
            .embeddings(patches: patches, batchSize: 2)
        let coarse = Incremental(network: occlusion.network, image: image, baseline: baseline, changeThreshold: 0.1)
            .embeddings(patches: patches, batchSize: 2)
        for (e, z) in zip(exact.embeddings, zero.embeddings) {
            XCTAssertLessThanOrEqual(zip(e, z).map { abs($0 - $1) }.max()!, 1e-4)
        }
        XCTAssertLessThanOrEqual(zero.multiplyAdds, exact.multiplyAdds)
        XCTAssertLessThan(Double(coarse.multiplyAdds), 0.8 * Double(exact.multiplyAdds))
        for (e, c) in zip(exact.embeddings, coarse.embeddings) {
            let moved = zip(e, exact.base).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(zip(e, c).map { abs($0 - $1) }.max()!, moved)
        }
    }

    /// A patch filled with what is already there changes nothing: its regions
    /// shrink to empty boxes part-way, and its embedding is the image's own,
    /// beside a patch that does change, in one batch, on one lane and on two.
    func testPatchesThatChangeNothingGiveTheImagesEmbedding() throws {
        let (occlusion, image, _) = try setUpNetwork()
        var baseline = image
        for y in 0..<32 { for x in 0..<32 { for c in 0..<3 { baseline[(y * 224 + x) * 3 + c] = 0 } } }
        let patches = [GridBox(rows: 96..<128, columns: 96..<128), GridBox(rows: 0..<32, columns: 0..<32),
                       GridBox(rows: 160..<192, columns: 32..<64)]
        let score = Shared.backbone.network.imageNetScore(class: 282)
        let exact = Incremental(network: occlusion.network, image: image, baseline: baseline).embeddings(patches: patches, batchSize: 3)
        for batchSize in [3, 1] {
            let result = Incremental(network: occlusion.network, image: image, baseline: baseline, changeThreshold: 0.1, score: score)
                .embeddings(patches: patches, batchSize: batchSize)
            for p in [0, 2] {
                XCTAssertEqual(result.embeddings[p], result.base, "patch \(p)")
                XCTAssertEqual(result.scoreCorrections![p], 0, accuracy: 1e-5)  // rounding: GEMMs over fewer rows
            }
            XCTAssertGreaterThan(zip(result.embeddings[1], result.base).map { abs($0 - $1) }.max()!, 0.01)
            XCTAssertEqual(score(result.embeddings[1]) + result.scoreCorrections![1], score(exact.embeddings[1]), accuracy: 0.05)
        }
    }

    /// The approximate map's refinement rule, checked on its result: every
    /// coarse window is computed; no window left out has a computed neighbour
    /// at `refineCut` of the largest drop; and the windows refined, and the
    /// largest coarse one, hold the drops of the fine threshold, while some
    /// coarse window keeps the looser threshold's.
    func testApproximateMapComputesEveryWindowNearTheEvidence() throws {
        let (occlusion, image, _) = try setUpNetwork()
        let gray = [Float](repeating: 0, count: image.count)
        let score = Shared.backbone.network.imageNetScore(class: 282)
        let settings = OcclusionMap.Settings()
        XCTAssertEqual(settings.coarseStep, 2)
        let map = occlusion.map(image: image, baseline: gray, settings: settings, score: score)
        var fineSettings = settings
        fineSettings.coarseThreshold = settings.changeThreshold
        fineSettings.refineCut = -1e9  // every window, all at the fine threshold
        let fine = occlusion.map(image: image, baseline: gray, settings: fineSettings, score: score)
        XCTAssertEqual(fine.windows.count, 169)
        func index(_ box: GridBox) -> Int { (box.rows.lowerBound / 16) * 13 + box.columns.lowerBound / 16 }
        var drops: [Int: Double] = [:]
        for (box, drop) in map.windows { drops[index(box)] = drop }
        let fineDrops = Dictionary(uniqueKeysWithValues: fine.windows.map { (index($0.box), $0.drop) })
        let coarse = Set(stride(from: 0, to: 13, by: 2).flatMap { i in stride(from: 0, to: 13, by: 2).map { i * 13 + $0 } })
        XCTAssertTrue(coarse.isSubset(of: Set(drops.keys)))
        XCTAssertLessThan(drops.count, 169)
        let peak = drops.values.max()!
        for k in 0..<169 where drops[k] == nil {
            let i = k / 13, j = k % 13
            for di in -1...1 { for dj in -1...1 where (0..<13).contains(i + di) && (0..<13).contains(j + dj) {
                if let v = drops[(i + di) * 13 + j + dj] { XCTAssertLessThan(v, settings.refineCut * peak, "window \(k)") }
            } }
        }
        for (k, drop) in drops where !coarse.contains(k) { XCTAssertEqual(drop, fineDrops[k]!, accuracy: 1e-4, "window \(k)") }
        let top = coarse.max { drops[$0]! < drops[$1]! }!
        XCTAssertEqual(drops[top]!, fineDrops[top]!, accuracy: 1e-4)
        XCTAssertTrue(coarse.contains { abs(drops[$0]! - fineDrops[$0]!) > 1e-3 })
    }

    /// A refinement round short of a lane is filled with the windows whose
    /// largest computed neighbour is largest (hand-worked on a 5×5 grid).
    func testShortRoundsTakeTheWindowsNearestTheCut() {
        XCTAssertEqual(Occlusion.spare(3, 2), 1)
        XCTAssertEqual(Occlusion.spare(4, 2), 0)
        XCTAssertEqual(Occlusion.spare(5, 4), 3)
        XCTAssertEqual(Occlusion.spare(7, 1), 0)
        // Computed: corner (0,0) 1.0, centre (2,2) 4.0, corner (4,4) 2.0.
        let computed: [Int: Double] = [0: 1.0, 12: 4.0, 24: 2.0]
        // Beside the centre (6 also beside the corner) the largest neighbour is 4.0.
        XCTAssertEqual(Occlusion.nearest(3, computed, n: 5, excluding: [6, 7]), [8, 11, 13])
        // With the centre's ring taken: beside (4,4) at 2.0, then beside (0,0) at 1.0; none without a computed neighbour.
        XCTAssertEqual(Occlusion.nearest(10, computed, n: 5, excluding: [6, 7, 8, 11, 13, 16, 17, 18]), [19, 23, 1, 5])
        XCTAssertEqual(Occlusion.nearest(0, computed, n: 5, excluding: []), [])
    }
}
