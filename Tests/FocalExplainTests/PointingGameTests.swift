import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalExplain
import FocalImages
import FocalTraining
import Foundation
import XCTest

/// Explanations on generated scenes, where the truth is known: a bouquet head
/// trained on decoupled scenes (bouquet independent of its context) must point
/// at the bouquet.
final class PointingGameTests: XCTestCase {
    static let wedding = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/wedding").path

    struct Fixture {
        let backbone: Backbone
        let model: HeadModel
        let scenes: [Sample]
    }

    static let fixture: Fixture = {
        let backbone = try! Backbone.load()
        let dataset = try! Dataset.open(wedding)
        // The decoupled test split teaches the bouquet itself; explain pool scenes.
        let training = dataset.samples(in: .test).map { s -> Sample in var t = s; t.split = .train; return t }
        let store = try! EmbeddingStore(path: NSTemporaryDirectory() + "focal-explain-\(UUID().uuidString).sqlite")
        let featurizer = Featurizer(backbone: backbone, store: store)
        let model = try! ConceptTrainer(c: 1.0, concepts: ["bouquet"])
            .train(Dataset(source: "decoupled", samples: training), featurizer: featurizer).model
        let scenes = dataset.samples(in: .pool).filter(bouquetInsideCrop)
        return Fixture(backbone: backbone, model: model, scenes: Array(scenes.prefix(20)))
    }()

    /// Pool scenes whose bouquet lies well inside the network's 224×224 centre crop (16…240 of 256).
    static func bouquetInsideCrop(_ s: Sample) -> Bool {
        s.regions.contains { $0.concept == "bouquet" && $0.x >= 20 && $0.y >= 20 && $0.x + $0.width <= 236 && $0.y + $0.height <= 236 }
    }

    /// The bouquet's mask pixels (255 inside), from masks/pool/<stem>_bouquet_<k>.png.
    func bouquetMask(_ sample: Sample) throws -> [Bool] {
        let stem = ((sample.image as NSString).lastPathComponent as NSString).deletingPathExtension
        var mask = [Bool](repeating: false, count: 256 * 256)
        for k in 0..<4 {
            let path = Self.wedding + "/masks/pool/\(stem)_bouquet_\(k).png"
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let image = try ImageDecoder().decode(path: path)
            for i in 0..<(256 * 256) where image.pixels[i * 3] > 127 { mask[i] = true }
        }
        return mask
    }

    func testTopRegionPointsAtTheBouquet() throws {
        let f = Self.fixture
        XCTAssertGreaterThanOrEqual(f.scenes.count, 15)
        let explainer = Explainer(backbone: f.backbone, model: f.model)
        var hits = 0, beatsRandom = 0
        var lcg: UInt64 = 12345
        for scene in f.scenes {
            let e = try explainer.explain(path: scene.path, concept: "bouquet", annotations: scene.regions)
            guard let top = e.regions.first else { continue }
            let mask = try bouquetMask(scene)
            var overlaps = false
            for y in top.box[1]..<(top.box[1] + top.box[3]) {
                for x in top.box[0]..<(top.box[0] + top.box[2]) where mask[y * 256 + x] { overlaps = true }
            }
            if overlaps { hits += 1 }
            // Hiding the top region lowers the score more than hiding a random box of the same size.
            let geometry = CropGeometry(originalWidth: 256, originalHeight: 256)
            let crop = try Preprocessing().networkImage(path: scene.path)
            let input = Preprocessing.normalize(crop)
            let gray = [Float](repeating: 0, count: input.count)
            let w = min(224, top.box[2] * 224 / 256 + 1), h = min(224, top.box[3] * 224 / 256 + 1)
            lcg = lcg &* 6364136223846793005 &+ 1442695040888963407
            let rx = Int(lcg >> 33) % (225 - w)
            lcg = lcg &* 6364136223846793005 &+ 1442695040888963407
            let ry = Int(lcg >> 33) % (225 - h)
            let topBox = GridBox(rows: max(0, top.box[1] - geometry.top)..<min(224, top.box[1] - geometry.top + h),
                                 columns: max(0, top.box[0] - geometry.left)..<min(224, top.box[0] - geometry.left + w))
            let randomBox = GridBox(rows: ry..<(ry + h), columns: rx..<(rx + w))
            let embeddings = f.backbone.network.embed([input, Occlusion.occluded(input, baseline: gray, patch: topBox),
                                                       Occlusion.occluded(input, baseline: gray, patch: randomBox)])
            let p = f.model.predictProbabilities(FeatureMatrix(embeddings))
            if p[0] - p[1] > p[0] - p[2] { beatsRandom += 1 }
        }
        let n = Double(f.scenes.count)
        print("pointing game: \(hits)/\(f.scenes.count) top regions on the bouquet; top beats random \(beatsRandom)/\(f.scenes.count)")
        XCTAssertGreaterThanOrEqual(Double(hits) / n, 0.9)
        XCTAssertGreaterThanOrEqual(Double(beatsRandom) / n, 0.9)
    }

    func testUnknownConceptAndUnreadableImageAreClearErrors() throws {
        let f = Self.fixture
        let explainer = Explainer(backbone: f.backbone, model: f.model)
        XCTAssertThrowsError(try explainer.explain(path: f.scenes[0].path, concept: "veil")) {
            XCTAssertTrue("\($0)".contains("has no concept 'veil'"), "\($0)")
        }
        let bad = NSTemporaryDirectory() + "focal-bad-\(UUID().uuidString).jpg"
        try Data("no".utf8).write(to: URL(fileURLWithPath: bad))
        XCTAssertThrowsError(try explainer.explain(path: bad, concept: "bouquet")) {
            XCTAssertEqual("\($0)", bad + ": not a JPEG or PNG image")
        }
    }
}
