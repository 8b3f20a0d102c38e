import FocalAttribution
import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalExplain
import FocalImages
import FocalScenes
import FocalTestSupport
import FocalTraining
import Foundation
import XCTest

/// Explanations on generated scenes, where the truth is known: element heads
/// trained on image-level labels only must point at their element on scenes
/// none of them saw. They learn from 800 scenes of another seed in which every
/// element appears in half the images independently (the shipped revision's
/// train split ties veil, greenery and flowers together, and its test split
/// too), labelled only with which elements each scene shows; they are judged on
/// the shipped pool (seed 1). In half the training scenes without a bouquet an
/// arm reaches in with an empty hand: in the shipped scenes an arm comes with
/// every bouquet and with nothing else, so a head learns the arm, and a
/// faithful map then points at the arm (measured: 18/30 on the bouquet with
/// 400 scenes and no empty hands; README, "Explaining a prediction").
final class PointingGameTests: XCTestCase {
    static let wedding = Repository.dataset("wedding")
    static let elements = ["bouquet", "veil", "greenery", "flowers"]

    struct Fixture {
        let backbone: Backbone
        let model: HeadModel
        let pool: [FocalDatasets.Sample]
    }

    static let fixture: Fixture = {
        let backbone = try! Backbone.load()
        let folder = NSTemporaryDirectory() + "focal-elements-\(UUID().uuidString)"
        _ = try! Generator.generate(Wedding(emptyHandRate: 0.5), configuration: SynthConfiguration(seed: 2, counts: [.pool: 800]), into: folder)
        // Image-level labels: which elements a scene shows; its boxes are dropped.
        let training = try! Dataset.open(folder).samples.map { s -> FocalDatasets.Sample in
            let shown = Set(s.regions.map(\.concept))
            return FocalDatasets.Sample(image: s.image, path: s.path, positives: elements.filter(shown.contains),
                          negatives: elements.filter { !shown.contains($0) }, split: .train)
        }
        let store = try! EmbeddingStore(path: NSTemporaryDirectory() + "focal-explain-\(UUID().uuidString).sqlite")
        let featurizer = Featurizer(backbone: backbone, store: store)
        let model = try! ConceptTrainer(c: 1.0, concepts: elements)
            .train(Dataset(source: "independent elements", samples: training), featurizer: featurizer).model
        return Fixture(backbone: backbone, model: model, pool: try! Dataset.open(wedding).samples(in: .pool))
    }()

    /// Pool scenes whose bouquet lies well inside the network's 224×224 centre crop (16…240 of 256).
    static func bouquetInsideCrop(_ s: FocalDatasets.Sample) -> Bool {
        s.regions.contains { $0.concept == "bouquet" && $0.x >= 20 && $0.y >= 20 && $0.x + $0.width <= 236 && $0.y + $0.height <= 236 }
    }

    /// The element's mask (255 inside), from masks/pool/<stem>_<element>_<k>.png, as a 256×256 grid.
    static func mask(_ sample: FocalDatasets.Sample, element: String) throws -> [Bool] {
        let stem = ((sample.image as NSString).lastPathComponent as NSString).deletingPathExtension
        var mask = [Bool](repeating: false, count: 256 * 256)
        for k in 0..<8 {
            let path = wedding + "/masks/pool/\(stem)_\(element)_\(k).png"
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let image = try ImageDecoder().decode(path: path)
            for i in 0..<(256 * 256) where image.pixels[i * 3] > 127 { mask[i] = true }
        }
        return mask
    }

    /// Whether any mask pixel lies within the network's centre crop (16..<240 on both axes of a 256 scene).
    static func insideCrop(_ mask: [Bool]) -> Bool {
        for y in 16..<240 { for x in 16..<240 where mask[y * 256 + x] { return true } }
        return false
    }

    /// The heatmap's maximum, in original pixels: the centre of its largest cell.
    static func peak(_ e: Explanation) -> (x: Double, y: Double) {
        let h = e.heatmap
        var best = (0, 0), value = -Double.infinity
        for (y, row) in h.rows.enumerated() { for (x, v) in row.enumerated() where v > value { value = v; best = (x, y) } }
        return (Double(h.box[0]) + (Double(best.0) + 0.5) * Double(h.box[2]) / Double(h.width),
                Double(h.box[1]) + (Double(best.1) + 0.5) * Double(h.box[3]) / Double(h.height))
    }

    static func distance(from point: (x: Double, y: Double), to mask: [Bool]) -> Double {
        var best = Double.infinity
        for y in 0..<256 { for x in 0..<256 where mask[y * 256 + x] {
            best = min(best, ((Double(x) + 0.5 - point.x) * (Double(x) + 0.5 - point.x) + (Double(y) + 0.5 - point.y) * (Double(y) + 0.5 - point.y)).squareRoot())
        } }
        return best
    }

    struct Score { var cases = 0, pointed = 0, overlapping = 0; var areas: [Double] = [] }

    /// Pointing game on up to `limit` pool scenes per element whose element is in the crop.
    static func play(options: Explainer.Options, limit: Int = 30) throws -> [String: Score] {
        let f = fixture
        let explainer = Explainer(backbone: f.backbone, model: f.model, options: options)
        var scores: [String: Score] = [:]
        for element in elements {
            var score = Score()
            for scene in f.pool where score.cases < limit && scene.regions.contains(where: { $0.concept == element }) {
                let mask = try mask(scene, element: element)
                guard insideCrop(mask) else { continue }
                let e = try explainer.explain(path: scene.path, concept: element)
                score.cases += 1
                if distance(from: peak(e), to: mask) <= 15 { score.pointed += 1 }
                guard let top = e.regions.max(by: { $0.mapShare < $1.mapShare }) ?? e.regions.first else { continue }
                var overlaps = false
                for y in top.box[1]..<min(256, top.box[1] + top.box[3]) {
                    for x in top.box[0]..<min(256, top.box[0] + top.box[2]) where mask[y * 256 + x] { overlaps = true }
                }
                if overlaps { score.overlapping += 1 }
                score.areas.append(Double(top.box[2] * top.box[3]) / Double(e.heatmap.box[2] * e.heatmap.box[3]))
            }
            scores[element] = score
        }
        return scores
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.isEmpty ? .nan : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func report(_ label: String, _ scores: [String: Score]) -> String {
        label + ": " + elements.map { e in
            let s = scores[e]!
            return "\(e) pointed \(s.pointed)/\(s.cases), top region on it \(s.overlapping)/\(s.cases), median area \(String(format: "%.3f", median(s.areas)))"
        }.joined(separator: "; ")
    }

    /// The issue's bar: heatmap maximum within 15 px of the element's mask on
    /// ≥ 90% of scenes, for each element; the top region on it ≥ 90%; the
    /// median top region ≤ 25% of the crop.
    func testMapPointsAtEachElement() throws {
        let scores = try Self.play(options: Explainer.Options())
        print(Self.report("pointing game (map, default)", scores))
        for element in Self.elements {
            let s = scores[element]!
            XCTAssertGreaterThanOrEqual(s.cases, 20, element)
            XCTAssertGreaterThanOrEqual(Double(s.pointed) / Double(s.cases), 0.9, "\(element): pointed \(s.pointed)/\(s.cases)")
            XCTAssertGreaterThanOrEqual(Double(s.overlapping) / Double(s.cases), 0.9, "\(element): top region \(s.overlapping)/\(s.cases)")
            XCTAssertLessThanOrEqual(Self.median(s.areas), 0.25, "\(element): median top region")
        }
    }

    /// Measurement, not a check: FOCAL_POINTING_SWEEP=1 prints the pointing
    /// game for each scale set, combination and cut (README, "Explanations").
    func testSweep() throws {
        guard ProcessInfo.processInfo.environment["FOCAL_POINTING_SWEEP"] != nil else { throw XCTSkip("set FOCAL_POINTING_SWEEP=1 to measure") }
        for scales in [[224], [320], [448], [224, 320], [320, 448], [224, 320, 448]] {
            for combination in LogitMap.Combination.allCases {
                for mirror in [true, false] {
                    var o = Explainer.Options()
                    o.scales = scales
                    o.combination = combination
                    o.mirror = mirror
                    print(Self.report("sweep scales \(scales) \(combination) mirrored \(mirror)", try Self.play(options: o, limit: 20)))
                }
            }
        }
        for cut in [0.35, 0.65] {
            var o = Explainer.Options()
            o.cut = cut
            print(Self.report("sweep default, cut \(cut)", try Self.play(options: o, limit: 20)))
        }
        var o = Explainer.Options()
        o.method = .occlusion
        print(Self.report("sweep occlusion approximate", try Self.play(options: o, limit: 20)))
    }

    func testUnknownConceptAndUnreadableImageAreClearErrors() throws {
        let f = Self.fixture
        let explainer = Explainer(backbone: f.backbone, model: f.model)
        XCTAssertThrowsError(try explainer.explain(path: f.pool[0].path, concept: "person")) {
            XCTAssertTrue("\($0)".contains("has no concept 'person'"), "\($0)")
        }
        let bad = NSTemporaryDirectory() + "focal-bad-\(UUID().uuidString).jpg"
        try Data("no".utf8).write(to: URL(fileURLWithPath: bad))
        XCTAssertThrowsError(try explainer.explain(path: bad, concept: "bouquet")) {
            XCTAssertEqual("\($0)", bad + ": not a JPEG or PNG image")
        }
    }
}
