import FocalAttribution
import FocalBackbone
import FocalExplain
import FocalImages
import FocalTestSupport
import Foundation
import XCTest

/// Localisation on real photographs: a photo of one object (datasets/photos,
/// on a plain ground) pasted at a known place into a real background photo,
/// and the map of the ImageNet class the network gives that object on its own
/// (a linear head on the pooled embedding, as a concept head is). The truth is
/// where it was pasted; nothing here was tuned to these images.
final class PhotoCompositeTests: XCTestCase {
    static let photos = Repository.dataset("photos")
    static let objects = ["bucket.jpg", "cup.jpg", "chair.jpg", "spoons.jpg", "buffetset.jpg", "flower.jpg", "astronaut.png", "camera.png", "chelsea.png", "coffee.png", "grace_hopper.jpg", "rocket.jpg"]
    static let backgrounds = ["seeding_by_Clements_Engelhardt.jpg", "HR_Canvas_01.png", "china.jpg"]
    static let side = 320
    /// Each object pasted at two sizes: 112 px, and 72 px (about a 50-pixel object in the 224 input).
    static let objectSides = [112, 72]

    struct Composite {
        let image: RGBImage
        /// Where the object was pasted: x, y, width, height.
        let box: [Int]
        let object: String
        let classIndex: Int
    }

    static let backbone: Backbone = try! Backbone.load()

    /// Each object at a seeded place (inside the network's centre crop) in each background.
    static let composites: [Composite] = {
        var lcg = KnuthLCG(seed: 2026)
        func next(_ n: Int) -> Int { Int(lcg.next() >> 33) % n }
        let decoder = ImageDecoder()
        let grounds = backgrounds.map { try! decoder.decode(path: photos + "/" + $0).resized(shorterSide: side, centerCroppedTo: (side, side)) }
        var out: [Composite] = []
        for objectSide in objectSides { for name in objects {
            let photo = try! decoder.decode(path: photos + "/" + name)
            let scale = Double(objectSide) / Double(max(photo.width, photo.height))
            let w = Int((Double(photo.width) * scale).rounded()), h = Int((Double(photo.height) * scale).rounded())
            let object = Resampling.bilinear(photo, width: w, height: h)
            // The class the network gives the object alone: what its map must find.
            let alone = Preprocessing.normalize(Preprocessing().networkImage(photo))
            let classIndex = backbone.topClasses(embedding: backbone.network.embed([alone])[0], k: 1)[0].index
            for ground in grounds {
                // The 224 crop of a 320 image covers 20..<300; keep the object within it.
                let x = 24 + next(side - 48 - w), y = 24 + next(side - 48 - h)
                var pixels = ground.pixels
                for r in 0..<h { for c in 0..<w { for ch in 0..<3 {
                    pixels[((y + r) * side + x + c) * 3 + ch] = object.pixels[(r * w + c) * 3 + ch]
                } } }
                out.append(Composite(image: RGBImage(width: side, height: side, pixels: pixels), box: [x, y, w, h],
                                     object: name, classIndex: classIndex))
            }
        } }
        return out
    }()

    /// Distance from a point to the box (0 inside).
    static func distance(_ p: (x: Double, y: Double), _ b: [Int]) -> Double {
        let dx = max(Double(b[0]) - p.x, 0, p.x - Double(b[0] + b[2]))
        let dy = max(Double(b[1]) - p.y, 0, p.y - Double(b[1] + b[3]))
        return (dx * dx + dy * dy).squareRoot()
    }

    /// The maximum of a heatmap on the 224 input's pixels, in the composite's pixels.
    static func peak(_ heatmap: [Double], geometry: CropGeometry) -> (x: Double, y: Double) {
        let i = heatmap.indices.max { heatmap[$0] < heatmap[$1] }!
        return geometry.toOriginal(x: Double(i % 224) + 0.5, y: Double(i / 224) + 0.5)
    }

    func testMapFindsRealObjectsPastedIntoRealPhotos() throws {
        let network = Self.backbone.network
        let geometry = CropGeometry(originalWidth: Self.side, originalHeight: Self.side)
        var mapHits = 0, occlusionHits = 0, singleScaleHits = 0, unmirroredHits = 0
        var misses: [String] = []
        let occlusion = Occlusion(network: network)
        for c in Self.composites {
            let score = network.imageNetScore(class: c.classIndex)
            let map = LogitMap(decoded: c.image, original: (Self.side, Self.side), network: network, score: score)
            let distance = Self.distance(Self.peak(map.heatmap, geometry: geometry), c.box)
            if distance <= 15 { mapHits += 1 } else { misses.append("\(c.object) at \(c.box): \(Int(distance)) px") }
            let single = LogitMap(decoded: c.image, original: (Self.side, Self.side), network: network, score: score, scales: [224])
            if Self.distance(Self.peak(single.heatmap, geometry: geometry), c.box) <= 15 { singleScaleHits += 1 }
            let unmirrored = LogitMap(decoded: c.image, original: (Self.side, Self.side), network: network, score: score, mirrored: false)
            if Self.distance(Self.peak(unmirrored.heatmap, geometry: geometry), c.box) <= 15 { unmirroredHits += 1 }
            let input = Preprocessing.normalize(Preprocessing().networkImage(c.image))
            let occluded = occlusion.map(image: input, baseline: [Float](repeating: 0, count: input.count),
                                         settings: .init(mode: .approximate), score: score)
            if Self.distance(Self.peak(occluded.heatmap, geometry: geometry), c.box) <= 15 { occlusionHits += 1 }
        }
        let n = Self.composites.count
        print("real composites (\(n)): map \(mapHits)/\(n), map at 224 only \(singleScaleHits)/\(n), map without mirroring \(unmirroredHits)/\(n), approximate occlusion \(occlusionHits)/\(n); map misses: \(misses.joined(separator: "; "))")
        XCTAssertEqual(n, 72)
        XCTAssertGreaterThanOrEqual(Double(mapHits) / Double(n), 0.8)
        XCTAssertGreaterThanOrEqual(mapHits, occlusionHits)
    }
}
