import FocalAttribution
import FocalBackbone
import FocalImages
import Foundation
import XCTest

/// The map's mirrored views: each is the exact split of the mirrored image's
/// score, and the combined map of a mirrored image is the mirror of the map.
final class LogitMapTests: XCTestCase {
    static let backbone: Backbone = try! Backbone.load()

    /// A real photo, 320×320: every scale's crop then lies symmetrically
    /// (256−224, 366−320 and 512−448 pixels to spare, all even).
    static let photo: RGBImage = {
        let path = Shared.photos + "/china.jpg"
        return try! ImageDecoder().decode(path: path).resized(shorterSide: 320, centerCroppedTo: (320, 320))
    }()

    /// At 224 each view's score (its cells plus the bias) equals the score of the batched
    /// embedding (another code path) of that view's input: the image, or the
    /// image mirrored.
    func testEachViewSplitsItsOwnScore() {
        let network = Self.backbone.network
        let score = network.imageNetScore(class: 281)
        let map = LogitMap(decoded: Self.photo, original: (320, 320), network: network, score: score, scales: [224])
        XCTAssertEqual(map.scales.map(\.mirrored), [false, true])
        for (scale, image) in zip(map.scales, [Self.photo, Self.photo.mirrored()]) {
            let embedding = network.embed([Preprocessing.normalize(Preprocessing().networkImage(image))])[0]
            XCTAssertEqual(scale.score, score(embedding), accuracy: 1e-4 * max(1, abs(scale.score)), "mirrored \(scale.mirrored)")
        }
        // The two views see different inputs: their scores differ.
        XCTAssertNotEqual(map.scales[0].score, map.scales[1].score)
    }

    /// The map of the mirrored photo is the photo's map mirrored (a mirrored
    /// view placed at unmirrored columns breaks it), and without mirrored views
    /// it is not: TensorFlow's SAME padding leans every receptive field right.
    func testTheMapOfAMirroredImageIsTheMirroredMap() {
        let network = Self.backbone.network
        let score = network.imageNetScore(class: 281)
        func asymmetry(mirrored: Bool) -> Double {
            let a = LogitMap(decoded: Self.photo, original: (320, 320), network: network, score: score, mirrored: mirrored).heatmap
            let b = LogitMap(decoded: Self.photo.mirrored(), original: (320, 320), network: network, score: score, mirrored: mirrored).heatmap
            let side = 224, peak = a.map(abs).max()!
            var worst = 0.0
            for y in 0..<side { for x in 0..<side { worst = max(worst, abs(a[y * side + x] - b[y * side + side - 1 - x])) } }
            return worst / peak
        }
        let symmetric = asymmetry(mirrored: true), plain = asymmetry(mirrored: false)
        print("map of the mirrored photo against the mirrored map, largest difference / peak: mirrored views \(symmetric), without \(plain)")
        XCTAssertLessThan(symmetric, 1e-6)
        XCTAssertGreaterThan(plain, 0.05)
    }
}
