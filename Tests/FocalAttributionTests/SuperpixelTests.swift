import FocalTestSupport
import Foundation
import XCTest
import FocalImages
@testable import FocalAttribution

final class SuperpixelTests: XCTestCase {
    /// Real photographs and generated scenes, as the network sees them: shorter
    /// side 256, centre 224×224.
    static let naturalImages: [(String, RGBImage)] = {
        let datasets = Repository.root.appendingPathComponent("datasets")
        let names = ["photos/chelsea.png", "photos/coffee.png", "photos/astronaut.png", "photos/china.jpg",
                     "wedding/images/test/000000.jpg", "apples/images/test/000001.jpg"]
        return names.map { name in
            let image = try! ImageDecoder().decode(path: datasets.appendingPathComponent(name).path)
            return (name, image.resized(shorterSide: 256).centerCropped(width: 224, height: 224))
        }
    }()

    /// Checks everything a segmentation promises, whatever the image.
    func checkInvariants(_ s: Superpixels, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let n = s.width * s.height
        XCTAssertEqual(s.labels.count, n, name, file: file, line: line)
        XCTAssertTrue(s.labels.allSatisfy { $0 >= 0 && Int($0) < s.count }, "\(name): a label out of range", file: file, line: line)
        // Numbered 0..<count in raster order of first appearance (so every label is used).
        var next: Int32 = 0
        for label in s.labels where label >= next {
            XCTAssertEqual(label, next, "\(name): labels not numbered in order of appearance", file: file, line: line)
            next = label + 1
        }
        XCTAssertEqual(Int(next), s.count, name, file: file, line: line)
        // Masks partition the image; sizes and bounding boxes are exact.
        var covered = [Int](repeating: 0, count: n)
        for k in 0..<s.count {
            let mask = s.mask(k)
            XCTAssertEqual(mask.count, n, file: file, line: line)
            var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1, pixels = 0
            for p in 0..<n where mask[p] {
                covered[p] += 1
                pixels += 1
                minX = min(minX, p % s.width); maxX = max(maxX, p % s.width)
                minY = min(minY, p / s.width); maxY = max(maxY, p / s.width)
            }
            XCTAssertEqual(s.pixelCount(k), pixels, "\(name) segment \(k)", file: file, line: line)
            XCTAssertTrue(s.boundingBox(k) == (minX, minY, maxX - minX + 1, maxY - minY + 1),
                          "\(name) segment \(k): box \(s.boundingBox(k))", file: file, line: line)
            XCTAssertEqual(componentSize(s, from: mask.firstIndex(of: true)!), pixels,
                           "\(name) segment \(k) is not one 4-connected piece", file: file, line: line)
        }
        XCTAssertTrue(covered.allSatisfy { $0 == 1 }, "\(name): masks do not partition the image", file: file, line: line)
    }

    /// Pixels reachable from `start` through 4-neighbours with the same label.
    func componentSize(_ s: Superpixels, from start: Int) -> Int {
        var seen = Set([start]), stack = [start]
        while let p = stack.popLast() {
            let x = p % s.width, y = p / s.width
            for (q, ok) in [(p - 1, x > 0), (p + 1, x < s.width - 1), (p - s.width, y > 0), (p + s.width, y < s.height - 1)]
            where ok && s.labels[q] == s.labels[p] && !seen.contains(q) {
                seen.insert(q)
                stack.append(q)
            }
        }
        return seen.count
    }

    func testNaturalImagesGiveAboutTheRequestedNumberOfConnectedSegments() {
        for (name, image) in Self.naturalImages {
            for requested in [50, 100, 200] {
                let s = Superpixels(image: image, segments: requested)
                XCTAssertEqual(s.width, 224)
                XCTAssertEqual(s.height, 224)
                XCTAssertTrue(Double(requested) * 0.5...Double(requested) * 1.5 ~= Double(s.count),
                              "\(name): \(s.count) segments for \(requested)")
                checkInvariants(s, "\(name) @\(requested)")
            }
        }
    }

    /// Flat rectangles of clearly different colours, each at least two grid steps
    /// across (so each holds seeds of its own): every segment must lie within one
    /// rectangle, so each rectangle is covered by whole segments.
    func testSegmentsDoNotStraddleColourEdges() {
        let colors: [(UInt8, UInt8, UInt8)] = [(200, 40, 40), (40, 160, 60), (50, 60, 200), (230, 220, 90), (30, 30, 30), (240, 240, 240)]
        let rectangles = [(0, 0, 100, 90), (100, 0, 124, 60), (100, 60, 124, 100), (0, 90, 100, 70), (0, 160, 100, 64),
                          (100, 160, 124, 64)]
        var image = RGBImage(width: 224, height: 224, color: (0, 0, 0))
        var region = [Int](repeating: -1, count: 224 * 224)
        for (i, (x0, y0, w, h)) in rectangles.enumerated() {
            for y in y0..<(y0 + h) {
                for x in x0..<(x0 + w) {
                    let c = colors[i]
                    image.pixels[(y * 224 + x) * 3] = c.0
                    image.pixels[(y * 224 + x) * 3 + 1] = c.1
                    image.pixels[(y * 224 + x) * 3 + 2] = c.2
                    region[y * 224 + x] = i
                }
            }
        }
        XCTAssertFalse(region.contains(-1), "the rectangles tile the image")
        for requested in [50, 100, 200] {
            for compactness in [1.0, 10, 20] {
                let s = Superpixels(image: image, segments: requested, compactness: compactness)
                checkInvariants(s, "rectangles @\(requested), m \(compactness)")
                var owner = [Int](repeating: -1, count: s.count)
                for p in 0..<(224 * 224) {
                    let k = Int(s.labels[p])
                    if owner[k] < 0 { owner[k] = region[p] }
                    if owner[k] != region[p] {
                        XCTFail("segment \(k) straddles rectangles \(owner[k]) and \(region[p]) (\(requested), m \(compactness))")
                        break
                    }
                }
            }
        }
    }

    /// A 12×8 picture, colour A left of x = 6 and B from x = 6, with a 2×4 patch
    /// of A at x 6..<8, y 2..<6 inside the B half. `clusters` gives k-means labels.
    func connect(_ clusters: [Int32], minimumSize: Int) -> ConnectedRegions {
        var image = RGBImage(width: 12, height: 8, color: (40, 40, 200))
        for y in 0..<8 {
            for x in 0..<12 where x < 6 || (x < 8 && (2..<6).contains(y)) {
                image.pixels.replaceSubrange(((y * 12 + x) * 3)..<((y * 12 + x) * 3 + 3), with: [220, 60, 30])
            }
        }
        return ConnectedRegions(clusters: clusters, lab: LabImage(image), minimumSize: minimumSize)
    }

    func grid(_ cluster: (Int, Int) -> Int32) -> [Int32] {
        (0..<96).map { cluster($0 % 12, $0 / 12) }
    }

    /// The stray A patch borders B along 8 pixel edges and A along only 4, yet
    /// joins A: merging goes by colour, which is what keeps segments pure.
    func testFragmentsMergeIntoTheNeighbourOfClosestColour() {
        let clusters = grid { x, y in x < 6 ? 0 : (x < 8 && (2..<6).contains(y) ? 2 : 1) }
        let regions = connect(clusters, minimumSize: 10)
        XCTAssertEqual(regions.count, 2)
        XCTAssertEqual(regions.labels, grid { x, y in x < 6 || (x < 8 && (2..<6).contains(y)) ? 0 : 1 })
        // At or above the minimum size a fragment stays a segment of its own.
        XCTAssertEqual(connect(clusters, minimumSize: 8).count, 3)
    }

    /// One cluster in two separate pieces, both large: two segments, numbered in raster order.
    func testSeparatePiecesOfAClusterBecomeSeparateSegments() {
        let clusters = grid { x, _ in x < 4 || x >= 8 ? 0 : 1 }
        let regions = connect(clusters, minimumSize: 5)
        XCTAssertEqual(regions.count, 3)
        XCTAssertEqual(regions.labels, grid { x, _ in x < 4 ? 0 : (x < 8 ? 1 : 2) })
    }

    func testSeedsMoveOffEdges() {
        var image = RGBImage(width: 20, height: 10, color: (240, 240, 240))
        for y in 0..<10 { for x in 10..<20 { image.pixels[(y * 20 + x) * 3 + 1] = 20 } }
        let lab = LabImage(image)
        XCTAssertTrue(SLICClustering.lowestGradient(lab, x: 10, y: 5) == (11, 4), "one step right, off the edge")
        XCTAssertTrue(SLICClustering.lowestGradient(lab, x: 9, y: 5) == (8, 4), "one step left, off the edge")
        XCTAssertTrue(SLICClustering.lowestGradient(lab, x: 3, y: 5) == (3, 5), "on a flat area a seed stays")
    }

    func testDeterministic() {
        let image = Self.naturalImages[0].1
        let a = Superpixels(image: image, segments: 120)
        let b = Superpixels(image: image, segments: 120)
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertEqual(a.count, b.count)
    }

    /// Larger compactness trades colour fit for shape: on a photo the segments'
    /// boundaries get shorter (squarer regions) as m grows.
    func testCompactnessMakesSegmentsSquarer() {
        func boundaryLength(_ s: Superpixels) -> Int {
            var edges = 0
            for y in 0..<s.height {
                for x in 0..<s.width {
                    let p = y * s.width + x
                    if x + 1 < s.width && s.labels[p] != s.labels[p + 1] { edges += 1 }
                    if y + 1 < s.height && s.labels[p] != s.labels[p + s.width] { edges += 1 }
                }
            }
            return edges
        }
        for (name, image) in Self.naturalImages.prefix(3) {
            let loose = boundaryLength(Superpixels(image: image, segments: 100, compactness: 2))
            let tight = boundaryLength(Superpixels(image: image, segments: 100, compactness: 40))
            XCTAssertLessThan(tight, loose, name)
        }
    }

    func testSmallAndDegenerateImages() {
        let one = Superpixels(image: RGBImage(width: 1, height: 1, color: (1, 2, 3)), segments: 10)
        XCTAssertEqual(one.count, 1)
        XCTAssertEqual(one.labels, [0])
        XCTAssertTrue(one.boundingBox(0) == (0, 0, 1, 1))
        let flat = Superpixels(image: RGBImage(width: 40, height: 30, color: (90, 90, 90)), segments: 12)
        checkInvariants(flat, "flat")
        XCTAssertTrue((6...18).contains(flat.count), "flat: \(flat.count)")
        let crowded = Superpixels(image: RGBImage(width: 9, height: 7, pixels: (0..<189).map { UInt8($0 * 37 % 256) }),
                                  segments: 1000)
        checkInvariants(crowded, "more segments than pixels")
        let strip = Superpixels(image: RGBImage(width: 300, height: 3, pixels: (0..<2700).map { UInt8($0 % 251) }), segments: 20)
        checkInvariants(strip, "strip")
        let empty = Superpixels(image: RGBImage(width: 0, height: 0, pixels: []), segments: 5)
        XCTAssertEqual(empty.count, 0)
    }

    /// The occlusion explainer segments each image it explains, so this must be cheap.
    func testFastAt224() {
        let image = Self.naturalImages[1].1
        for requested in [50, 200] {
            var best = Double.infinity
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = Superpixels(image: image, segments: requested)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            XCTAssertLessThan(best, 100, "\(requested) segments took \(best) ms")
            print("Superpixels 224x224, \(requested) segments: \(String(format: "%.1f", best)) ms")
        }
    }
}
