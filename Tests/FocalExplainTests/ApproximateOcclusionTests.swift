import FocalAttribution
import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalExplain
import FocalTraining
import Foundation
import XCTest

/// The approximate occlusion mode (the interactive default) against the exact
/// one, on generated scenes with a concept head: the score whose evidence a
/// person asks about. The bar: the same top region on ≥ 95% of scenes
/// and heatmap correlation ≥ 0.9. The top region is what `focal explain`
/// reports first (the strongest connected evidence region); the approximate
/// one is the same when it overlaps the exact one by IoU ≥ 0.5.
///
/// Every pool scene with its bouquet inside the centre crop is used (71), not
/// the pointing game's first 20: the top region flips on near ties, and 20
/// scenes were too few to tell settings apart (the previous default found the
/// same top region on 19 of the first 20 but on 66 of all 71).
final class ApproximateOcclusionTests: XCTestCase {
    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count), ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var ab = 0.0, aa = 0.0, bb = 0.0
        for i in a.indices { ab += (a[i] - ma) * (b[i] - mb); aa += (a[i] - ma) * (a[i] - ma); bb += (b[i] - mb) * (b[i] - mb) }
        return ab / (aa * bb).squareRoot()
    }

    /// A bouquet head trained on the decoupled test split (bouquet independent of its context).
    static let bouquet: HeadModel = {
        let dataset = try! Dataset.open(PointingGameTests.wedding)
        let training = dataset.samples(in: .test).map { s -> Sample in var t = s; t.split = .train; return t }
        let store = try! EmbeddingStore(path: NSTemporaryDirectory() + "focal-approximate-\(UUID().uuidString).sqlite")
        return try! ConceptTrainer(c: 1.0, concepts: ["bouquet"])
            .train(Dataset(source: "decoupled", samples: training), featurizer: Featurizer(backbone: PointingGameTests.fixture.backbone, store: store)).model
    }()

    func testApproximateHeatmapsMatchTheExactOnes() throws {
        let f = (backbone: PointingGameTests.fixture.backbone, model: Self.bouquet)
        let occlusion = Occlusion(network: f.backbone.network)
        let gray = [Float](repeating: 0, count: 224 * 224 * 3)
        var sameTop = 0, sameWindow = 0, correlations: [Double] = [], macRatios: [Double] = []
        let scenes = try Dataset.open(PointingGameTests.wedding).samples(in: .pool).filter(PointingGameTests.bouquetInsideCrop)
        XCTAssertGreaterThanOrEqual(scenes.count, 60)
        for scene in scenes {
            let input = Preprocessing.normalize(try Preprocessing().networkImage(path: scene.path))
            let (w, bias) = f.model.logitCoefficients(concept: 0)
            let logit = LinearScore(weights: w, bias: bias)
            let exact = occlusion.map(image: input, baseline: gray, settings: .init(mode: .exact), score: logit)
            let approximate = occlusion.map(image: input, baseline: gray, settings: .init(mode: .approximate), score: logit)
            if exact.topWindow == approximate.topWindow { sameWindow += 1 }
            let a = try XCTUnwrap(EvidenceRegions.find(heatmap: exact.heatmap, width: 224, height: 224).first).box
            let b = try XCTUnwrap(EvidenceRegions.find(heatmap: approximate.heatmap, width: 224, height: 224).first).box
            let rows = max(0, min(a.rows.upperBound, b.rows.upperBound) - max(a.rows.lowerBound, b.rows.lowerBound))
            let columns = max(0, min(a.columns.upperBound, b.columns.upperBound) - max(a.columns.lowerBound, b.columns.lowerBound))
            if Double(rows * columns) / Double(a.count + b.count - rows * columns) >= 0.5 { sameTop += 1 }
            correlations.append(Self.pearson(exact.heatmap, approximate.heatmap))
            macRatios.append(Double(exact.multiplyAdds) / Double(approximate.multiplyAdds))
        }
        let n = scenes.count
        print("approximate vs exact on \(n) scenes: same top region \(sameTop)/\(n), same top window \(sameWindow)/\(n), correlation min \(correlations.min()!) mean \(correlations.reduce(0, +) / Double(n)), exact/approximate multiply-adds mean \(macRatios.reduce(0, +) / Double(n))")
        XCTAssertGreaterThanOrEqual(Double(sameTop) / Double(n), 0.95)
        XCTAssertGreaterThanOrEqual(correlations.reduce(0, +) / Double(n), 0.9)
    }
}
