import FocalBackbone
import FocalDatasets
import FocalExplain
import FocalImages
import Foundation
import XCTest

/// The concept model as a detector, on pool scenes whose masks give the truth:
/// each box's IoU with the bounding box of the element's instance it overlaps
/// most (the generator's masks, one file per instance).
final class DetectionTests: XCTestCase {
    /// Bounding boxes of each instance mask of `element` in a pool scene.
    static func instanceBoxes(_ sample: Sample, element: String) throws -> [[Int]] {
        let stem = ((sample.image as NSString).lastPathComponent as NSString).deletingPathExtension
        var boxes: [[Int]] = []
        for k in 0..<8 {
            let path = PointingGameTests.wedding + "/masks/pool/\(stem)_\(element)_\(k).png"
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let image = try ImageDecoder().decode(path: path)
            var (x0, y0, x1, y1) = (Int.max, Int.max, -1, -1)
            for y in 0..<image.height { for x in 0..<image.width where image.pixels[(y * image.width + x) * 3] > 127 {
                x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x + 1); y1 = max(y1, y + 1)
            } }
            if x1 > 0 { boxes.append([x0, y0, x1 - x0, y1 - y0]) }
        }
        return boxes
    }

    static func union(_ boxes: [[Int]]) -> [Int] {
        let x0 = boxes.map { $0[0] }.min()!, y0 = boxes.map { $0[1] }.min()!
        let x1 = boxes.map { $0[0] + $0[2] }.max()!, y1 = boxes.map { $0[1] + $0[3] }.max()!
        return [x0, y0, x1 - x0, y1 - y0]
    }

    static func iou(_ a: [Int], _ b: [Int]) -> Double {
        let w = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
        let h = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
        let inter = Double(w * h)
        return inter / (Double(a[2] * a[3] + b[2] * b[3]) - inter)
    }

    /// Measured box quality, printed for the README. The bar (median IoU ≥ 0.25)
    /// is what a box on the element's part of a 7×7-cell map reaches; a box
    /// placed at random scores near 0.
    func testBoxesLandOnTheirElements() throws {
        let f = PointingGameTests.fixture
        let explainer = Explainer(backbone: f.backbone, model: f.model)
        var ious: [String: [Double]] = [:]
        for scene in f.pool.prefix(60) {
            let d = try explainer.detect(Explainer.Image(path: scene.path, preprocessing: Preprocessing()))
            XCTAssertEqual(Set(d.positives).union(d.negatives), Set(PointingGameTests.elements))
            for b in d.boxes {
                XCTAssertTrue(b.box[0] >= 0 && b.box[1] >= 0 && b.box[0] + b.box[2] <= 256 && b.box[1] + b.box[3] <= 256, "\(b.box)")
                let truth = try Self.instanceBoxes(scene, element: b.concept)
                // A box for several instances (loose flowers) may cover them all: the best of
                // its IoU with one instance and with the box around all of them.
                let all = truth.isEmpty ? nil : Self.union(truth)
                ious[b.concept, default: []].append(max(truth.map { Self.iou(b.box, $0) }.max() ?? 0, all.map { Self.iou(b.box, $0) } ?? 0))
            }
        }
        var lines: [String] = []
        for element in PointingGameTests.elements {
            let v = ious[element] ?? []
            let hits = v.filter { $0 >= 0.5 }.count
            lines.append("\(element) \(v.count) boxes, median IoU \(String(format: "%.2f", PointingGameTests.median(v))), IoU ≥ 0.5 on \(hits)")
            XCTAssertGreaterThanOrEqual(v.count, 5, element)
            XCTAssertGreaterThanOrEqual(PointingGameTests.median(v), 0.25, element)
        }
        print("detector box quality on 60 pool scenes: " + lines.joined(separator: "; "))
    }
}
