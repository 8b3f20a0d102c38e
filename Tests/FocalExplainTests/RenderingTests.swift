import FocalTestSupport
import Foundation
import XCTest
import FocalFiles
import FocalImages
@testable import FocalExplain

/// A repeatable noisy picture: every pixel different from its neighbours, so a
/// test that compares pixels notices any stray write.
private func noise(width: Int, height: Int, seed: UInt64 = 1) -> RGBImage {
    var random = KnuthLCG(seed: seed)
    let pixels = (0..<(width * height * 3)).map { _ in UInt8(truncatingIfNeeded: random.next() >> 56) }
    return RGBImage(width: width, height: height, pixels: pixels)
}

private func color(_ image: RGBImage, _ x: Int, _ y: Int) -> PixelColor {
    Raster.color(of: image, x: x, y: y)
}

/// The pixels where two images of the same size differ, as (x, y).
private func differences(_ a: RGBImage, _ b: RGBImage) -> [(x: Int, y: Int)] {
    precondition(a.width == b.width && a.height == b.height)
    var out: [(Int, Int)] = []
    for y in 0..<a.height {
        for x in 0..<a.width where color(a, x, y) != color(b, x, y) { out.append((x, y)) }
    }
    return out
}

final class BitmapFontTests: XCTestCase {
    func testEveryPrintableCharacterHasItsOwnGlyph() {
        var seen: [[UInt8]: Character] = [:]
        for code in UInt8(32)...UInt8(126) {
            let character = Character(Unicode.Scalar(code))
            let glyph = BitmapFont.glyph(for: character)
            XCTAssertEqual(glyph.count, BitmapFont.glyphHeight)
            XCTAssertTrue(glyph.allSatisfy { $0 < 1 << BitmapFont.glyphWidth }, "\(character) is wider than 5")
            XCTAssertEqual(glyph.allSatisfy { $0 == 0 }, character == " ", "only space is blank (\(character))")
            if let other = seen[glyph] { XCTFail("\(character) looks like \(other)") }
            seen[glyph] = character
        }
        XCTAssertEqual(seen.count, 95)
    }

    func testDescendersUseOnlyTheBottomRow() {
        for character in "ABCXYZ0123456789%:-'()/" {
            XCTAssertEqual(BitmapFont.glyph(for: character)[7], 0, "\(character) reaches the descender row")
        }
        for character in "gjpqy_" {
            XCTAssertNotEqual(BitmapFont.glyph(for: character)[7], 0, "\(character) has no descender")
        }
    }

    func testSizes() {
        XCTAssertTrue(BitmapFont.size(of: "") == (0, 8))
        XCTAssertTrue(BitmapFont.size(of: "A") == (5, 8))
        XCTAssertTrue(BitmapFont.size(of: "AB") == (11, 8))
        XCTAssertTrue(BitmapFont.size(of: "AB", scale: 2) == (22, 16))
        XCTAssertTrue(BitmapFont.size(of: "1 VEIL 41%") == (59, 8))
        XCTAssertTrue(BitmapFont.size(of: "1 VEIL 41%", scale: 3) == (177, 24))
        XCTAssertTrue(BitmapFont.size(of: "é→") == BitmapFont.size(of: "??"), "one cell per character, even outside ASCII")
    }

    /// The ink lies inside the box `size(of:)` promises, and for text with a
    /// capital M (touching the top-left) and a g (descender, right column) it
    /// fills that box exactly: the size is neither too small nor too loose.
    func testTextChangesExactlyThePixelsInsideItsBox() {
        let ink = PixelColor(255, 0, 0)
        for scale in 1...3 {
            for text in ["Mg", "1 VEIL 41%", "a-z_(x):'50%'/"] {
                let blank = RGBImage(width: 200, height: 40, color: (0, 0, 0))
                var image = blank
                BitmapFont.draw(text, into: &image, x: 7, y: 5, color: ink, scale: scale)
                let size = BitmapFont.size(of: text, scale: scale)
                let changed = differences(blank, image)
                XCTAssertFalse(changed.isEmpty)
                for (x, y) in changed {
                    XCTAssertTrue((7..<(7 + size.width)).contains(x) && (5..<(5 + size.height)).contains(y),
                                  "\(text) at scale \(scale) drew (\(x), \(y)) outside its box")
                    XCTAssertEqual(color(image, x, y), ink)
                }
                if text == "Mg" {
                    XCTAssertEqual(changed.map(\.x).min(), 7)
                    XCTAssertEqual(changed.map(\.x).max(), 7 + size.width - 1)
                    XCTAssertEqual(changed.map(\.y).min(), 5)
                    XCTAssertEqual(changed.map(\.y).max(), 5 + size.height - 1)
                }
            }
        }
    }

    func testScaledTextIsTheSmallTextBlownUp() {
        var small = RGBImage(width: 60, height: 8, color: (0, 0, 0))
        var large = RGBImage(width: 180, height: 24, color: (0, 0, 0))
        BitmapFont.draw("Focal 9%", into: &small, x: 0, y: 0, color: .white)
        BitmapFont.draw("Focal 9%", into: &large, x: 0, y: 0, color: .white, scale: 3)
        for y in 0..<24 {
            for x in 0..<180 { XCTAssertEqual(color(large, x, y), color(small, x / 3, y / 3)) }
        }
    }

    func testGlyphPixelsFollowTheDesign() {
        var image = RGBImage(width: 5, height: 8, color: (0, 0, 0))
        BitmapFont.draw("A", into: &image, x: 0, y: 0, color: .white)
        let rows = (0..<8).map { y in String((0..<5).map { color(image, $0, y) == .white ? "#" : "." }) }
        XCTAssertEqual(rows, [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#", "....."])
    }

    func testTextCrossingTheBorderIsClipped() {
        var wide = RGBImage(width: 80, height: 30, color: (9, 9, 9))
        BitmapFont.draw("CLIP", into: &wide, x: 10, y: 10, color: .white, scale: 2)
        var clipped = RGBImage(width: 30, height: 15, color: (9, 9, 9))
        BitmapFont.draw("CLIP", into: &clipped, x: -5, y: -5, color: .white, scale: 2)
        XCTAssertEqual(clipped, wide.cropped(x: 15, y: 15, width: 30, height: 15))
    }

    func testCharactersOutsideASCIIDrawAsQuestionMarks() {
        var a = RGBImage(width: 20, height: 8, color: (0, 0, 0)), b = a
        BitmapFont.draw("é✓", into: &a, x: 0, y: 0, color: .white)
        BitmapFont.draw("??", into: &b, x: 0, y: 0, color: .white)
        XCTAssertEqual(a, b)
    }
}

final class HeatmapOverlayTests: XCTestCase {
    let gray = RGBImage(width: 256, height: 256, color: (128, 128, 128))
    /// A 256×256 picture's centre 210×210, cut into 14×14 cells of 15 pixels, so
    /// that cell (i, j)'s centre is exactly the centre of pixel (23 + 15i + 7, 23 + 15j + 7).
    let box: HeatmapOverlay.Box = (23, 23, 210, 210)

    func cellCenter(_ i: Int, _ j: Int) -> (Int, Int) { (23 + 15 * i + 7, 23 + 15 * j + 7) }

    func heatmap(_ cells: [(Int, Int, Double)]) -> [Double] {
        var values = [Double](repeating: 0, count: 14 * 14)
        for (i, j, v) in cells { values[j * 14 + i] = v }
        return values
    }

    func expected(over base: PixelColor, t: Double, opacity: Double = 0.6) -> PixelColor {
        let c = HeatmapOverlay.ColorMap.color(t), a = opacity * abs(t)
        return PixelColor(HeatmapOverlay.mix(base.r, c.r, a), HeatmapOverlay.mix(base.g, c.g, a), HeatmapOverlay.mix(base.b, c.b, a))
    }

    func testPictureSizeKeepsTheAspectAndNeverUpscales() {
        let overlay = HeatmapOverlay(maxSide: 768)
        XCTAssertTrue(overlay.pictureSize(width: 1000, height: 600) == (768, 461))
        XCTAssertTrue(overlay.pictureSize(width: 600, height: 3000) == (154, 768))
        XCTAssertTrue(overlay.pictureSize(width: 256, height: 256) == (256, 256))
        XCTAssertTrue(overlay.pictureSize(width: 768, height: 100) == (768, 100))
    }

    func testZeroHeatmapLeavesTheResizedOriginal() {
        let image = noise(width: 1000, height: 600)
        let out = HeatmapOverlay(legend: false).render(image: image, heatmap: [0, 0, 0, 0], heatmapWidth: 2, heatmapHeight: 2,
                                                       heatmapBox: (200, 0, 600, 600), regions: [])
        XCTAssertEqual(out, Resampling.bilinear(image, width: 768, height: 461))
    }

    func testZeroHeatmapChangesOnlyOutlinesAndLabels() {
        let image = noise(width: 1000, height: 600)
        let regions = [HeatmapOverlay.Region(box: (100, 200, 300, 250), label: "1 VEIL 41%", rank: 1),
                       HeatmapOverlay.Region(box: (650, 20, 300, 500), label: "2 flowers 7%", rank: 2)]
        let overlay = HeatmapOverlay(legend: false)
        let out = overlay.render(image: image, heatmap: [Double](repeating: 0, count: 49), heatmapWidth: 7, heatmapHeight: 7,
                                 heatmapBox: (200, 0, 600, 600), regions: regions)
        let resized = Resampling.bilinear(image, width: 768, height: 461)
        let placed = HeatmapOverlay.layout(regions, scaling: .init(from: (1000, 600), to: (768, 461)),
                                           style: .init(width: 768, height: 461), width: 768, height: 461)
        func inside(_ b: HeatmapOverlay.Box, _ x: Int, _ y: Int) -> Bool {
            x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height
        }
        func onOutline(_ b: HeatmapOverlay.Box, _ x: Int, _ y: Int) -> Bool {
            inside(b, x, y) && !inside((b.x + 3, b.y + 3, b.width - 6, b.height - 6), x, y)
        }
        let changed = differences(resized, out)
        XCTAssertFalse(changed.isEmpty)
        for (x, y) in changed {
            XCTAssertTrue(placed.contains { onOutline($0.outline, x, y) || inside($0.frame, x, y) },
                          "(\(x), \(y)) changed outside every outline and label")
        }
    }

    func testPositiveBlobWarmsItsPlaceAndLeavesTheRestAlone() {
        let out = HeatmapOverlay(legend: false).render(image: gray, heatmap: heatmap([(3, 4, 0.8)]), heatmapWidth: 14, heatmapHeight: 14,
                                                       heatmapBox: box, regions: [])
        let (cx, cy) = cellCenter(3, 4)
        let hot = color(out, cx, cy)
        XCTAssertEqual(hot, expected(over: PixelColor(128, 128, 128), t: 1))
        XCTAssertGreaterThan(hot.r, 160)
        XCTAssertGreaterThan(hot.r, hot.b)
        // Bilinear: half way to the next cell centre, half the value, and a warmer colour than the gray.
        let half = color(out, cx + 7, cy)
        XCTAssertGreaterThan(half.r, 128)
        XCTAssertLessThan(half.r, hot.r)
        // Beyond the neighbouring cell centres nothing moves.
        var changed = differences(gray, out)
        changed.removeAll { abs($0.x - cx) < 15 && abs($0.y - cy) < 15 }
        XCTAssertTrue(changed.isEmpty, "far pixels changed: \(changed.prefix(5))")
    }

    func testNegativeValuesAreCoolAndOpacityFollowsTheValue() {
        let map = heatmap([(3, 4, 1.0), (8, 8, 0.5), (10, 2, -0.25), (12, 12, -1.0)])
        let out = HeatmapOverlay(legend: false).render(image: gray, heatmap: map, heatmapWidth: 14, heatmapHeight: 14,
                                                       heatmapBox: box, regions: [])
        let base = PixelColor(128, 128, 128)
        for (i, j, t) in [(3, 4, 1.0), (8, 8, 0.5), (10, 2, -0.25), (12, 12, -1.0)] {
            let (x, y) = cellCenter(i, j)
            XCTAssertEqual(color(out, x, y), expected(over: base, t: t), "cell (\(i), \(j))")
        }
        let (nx, ny) = cellCenter(12, 12)
        XCTAssertGreaterThan(color(out, nx, ny).b, 160)
        XCTAssertLessThan(color(out, nx, ny).r, 128)
    }

    /// The photo's own hue is drained under the overlay: cool evidence on an
    /// orange surface must look blue, not grey, and warm evidence on a blue one warm.
    func testOverlayHueWinsOverThePhotosHue() {
        let orange = RGBImage(width: 256, height: 256, color: (200, 110, 40))
        let blue = RGBImage(width: 256, height: 256, color: (40, 80, 200))
        let map = heatmap([(3, 4, 1.0), (9, 9, -1.0)])
        let (wx, wy) = cellCenter(3, 4), (cx, cy) = cellCenter(9, 9)
        let onOrange = HeatmapOverlay(legend: false).render(image: orange, heatmap: map, heatmapWidth: 14, heatmapHeight: 14,
                                                            heatmapBox: box, regions: [])
        let onBlue = HeatmapOverlay(legend: false).render(image: blue, heatmap: map, heatmapWidth: 14, heatmapHeight: 14,
                                                          heatmapBox: box, regions: [])
        let cool = color(onOrange, cx, cy), warm = color(onBlue, wx, wy)
        XCTAssertGreaterThan(Int(cool.b), Int(cool.r) + 60, "cool evidence on orange: \(cool)")
        XCTAssertGreaterThan(Int(warm.r), Int(warm.b) + 60, "warm evidence on blue: \(warm)")
        XCTAssertEqual(color(onOrange, 5, 5), PixelColor(200, 110, 40))
        // Half strength lies between the untouched photo and the full-strength result.
        let half = HeatmapOverlay.composite(PixelColor(200, 110, 40), t: -0.5, maxOpacity: 0.6)
        XCTAssertGreaterThan(half.b, 40)
        XCTAssertLessThan(half.b, cool.b)
        XCTAssertLessThan(half.r, 200)
    }

    func testHeatmapIsPlacedInTheScaledBox() {
        // 1536×1024 → 768×512: the heatmap box (512, 0, 1024, 1024) becomes (256, 0, 512, 512).
        let image = RGBImage(width: 1536, height: 1024, color: (50, 50, 50))
        let out = HeatmapOverlay(legend: false).render(image: image, heatmap: [1], heatmapWidth: 1, heatmapHeight: 1,
                                                       heatmapBox: (512, 0, 1024, 1024), regions: [])
        let tinted = expected(over: PixelColor(50, 50, 50), t: 1)
        for y in [0, 200, 511] {
            XCTAssertEqual(color(out, 255, y), PixelColor(50, 50, 50))
            XCTAssertEqual(color(out, 256, y), tinted)
            XCTAssertEqual(color(out, 767, y), tinted)
        }
        XCTAssertEqual(color(out, 0, 0), PixelColor(50, 50, 50))
    }

    func testNonFiniteValuesCountAsZero() {
        let map = heatmap([(3, 4, 1.0), (9, 9, .nan), (11, 11, .infinity)])
        let out = HeatmapOverlay(legend: false).render(image: gray, heatmap: map, heatmapWidth: 14, heatmapHeight: 14,
                                                       heatmapBox: box, regions: [])
        let (x, y) = cellCenter(9, 9)
        XCTAssertEqual(color(out, x, y), PixelColor(128, 128, 128))
        let (hx, hy) = cellCenter(3, 4)
        XCTAssertEqual(color(out, hx, hy), expected(over: PixelColor(128, 128, 128), t: 1), "infinity must not set the scale")
    }

    func testOutlineHasTheRankColourAtScaledCoordinates() {
        // 1536×1024 → 768×512 (exactly half); box (400, 300, 600, 400) → x 200..<500, y 150..<350, lines 3 px.
        let image = noise(width: 1536, height: 1024)
        let resized = Resampling.bilinear(image, width: 768, height: 512)
        let out = HeatmapOverlay(legend: false).render(image: image, heatmap: [0], heatmapWidth: 1, heatmapHeight: 1,
                                                       heatmapBox: (0, 0, 1536, 1024),
                                                       regions: [.init(box: (400, 300, 600, 400), label: "2 VEIL 41%", rank: 2)])
        let rank = HeatmapOverlay.rankColor(2)
        XCTAssertNotEqual(rank, HeatmapOverlay.rankColor(1))
        for (x, y) in [(200, 250), (202, 250), (497, 250), (499, 250), (350, 150), (350, 152), (350, 347), (350, 349)] {
            XCTAssertEqual(color(out, x, y), rank, "(\(x), \(y)) is on the outline")
        }
        for (x, y) in [(199, 250), (203, 250), (496, 250), (500, 250), (350, 153), (350, 346), (350, 350), (350, 300)] {
            XCTAssertEqual(color(out, x, y), color(resized, x, y), "(\(x), \(y)) is off the outline")
        }
    }

    func testRankOneIsDrawnOnTop() {
        let regions = [HeatmapOverlay.Region(box: (40, 40, 100, 100), label: "1 A", rank: 1),
                       HeatmapOverlay.Region(box: (40, 40, 100, 100), label: "2 B", rank: 2)]
        for order in [regions, regions.reversed()] {
            let out = HeatmapOverlay(legend: false).render(image: gray, heatmap: [0], heatmapWidth: 1, heatmapHeight: 1,
                                                           heatmapBox: box, regions: order)
            XCTAssertEqual(color(out, 40, 100), HeatmapOverlay.rankColor(1))
            XCTAssertEqual(color(out, 40, 39), HeatmapOverlay.rankColor(1), "rank 1's label box covers rank 2's")
        }
    }

    func testLabelSitsOnTheTopLeftCornerAboveItsBox() {
        let placed = HeatmapOverlay.layout([.init(box: (100, 120, 80, 60), label: "1 VEIL 41%", rank: 1)],
                                           scaling: .init(from: (256, 256), to: (256, 256)),
                                           style: .init(width: 256, height: 256), width: 256, height: 256)
        let frame = placed[0].frame
        XCTAssertEqual(frame.x, 100)
        XCTAssertEqual(frame.y + frame.height, 120)
        XCTAssertEqual(frame.width, 59 + 4)
        XCTAssertEqual(frame.height, 8 + 4)
        XCTAssertEqual(placed[0].text, "1 VEIL 41%")
    }

    func testLabelsStayInsideThePicture() {
        let regions: [HeatmapOverlay.Region] = [
            .init(box: (0, 0, 40, 40), label: "1 TOP LEFT", rank: 1),
            .init(box: (230, 240, 26, 16), label: "2 BOTTOM RIGHT CORNER", rank: 2),
            .init(box: (250, 60, 6, 6), label: "3 a label far too long to fit in a picture this narrow", rank: 3),
            .init(box: (-30, 100, 50, 300), label: "4 crossing the left edge", rank: 4),
            .init(box: (300, 300, 10, 10), label: "5 outside", rank: 5),
        ]
        let out = HeatmapOverlay(legend: false).render(image: gray, heatmap: [0], heatmapWidth: 1, heatmapHeight: 1,
                                                       heatmapBox: box, regions: regions)
        let placed = HeatmapOverlay.layout(regions, scaling: .init(from: (256, 256), to: (256, 256)),
                                           style: .init(width: 256, height: 256), width: 256, height: 256)
        XCTAssertEqual(placed.map(\.text.first), ["4", "3", "2", "1"], "the region outside is dropped; rank 1 drawn last")
        for region in placed {
            let f = region.frame
            XCTAssertTrue(f.x >= 0 && f.y >= 0 && f.x + f.width <= 256 && f.y + f.height <= 256, "\(region.text): \(f)")
            XCTAssertTrue(regions.contains { $0.label.hasPrefix(region.text) && !region.text.isEmpty })
            for (x, y) in [(f.x, f.y), (f.x + f.width - 1, f.y), (f.x, f.y + f.height - 1), (f.x + f.width - 1, f.y + f.height - 1)] {
                XCTAssertEqual(color(out, x, y), region.color, "\(region.text): label box corner (\(x), \(y))")
            }
            var ink = 0
            for y in f.y..<(f.y + f.height) {
                for x in f.x..<(f.x + f.width) where color(out, x, y) == region.textColor { ink += 1 }
            }
            XCTAssertGreaterThan(ink, 10, "\(region.text): no text in its box")
        }
        let top = placed.first { $0.text.hasPrefix("1") }!.frame
        XCTAssertTrue(top == (0, 0, top.width, 12), "no room above: inside the box's corner, got \(top)")
        let long = placed.first { $0.text.hasPrefix("3") }!
        XCTAssertLessThan(long.text.count, regions[2].label.count)
        XCTAssertGreaterThan(long.frame.width, 256 - BitmapFont.advance)
    }

    func testLegendStrip() {
        let overlay = HeatmapOverlay()
        let map = heatmap([(3, 4, 0.41), (12, 12, -0.2)])
        let plain = HeatmapOverlay(legend: false).render(image: gray, heatmap: map, heatmapWidth: 14, heatmapHeight: 14,
                                                         heatmapBox: box, regions: [])
        let out = overlay.render(image: gray, heatmap: map, heatmapWidth: 14, heatmapHeight: 14, heatmapBox: box, regions: [])
        let strip = overlay.legendHeight(forWidth: 256, height: 256)
        XCTAssertGreaterThan(strip, 0)
        XCTAssertEqual(out.width, 256)
        XCTAssertEqual(out.height, 256 + strip)
        XCTAssertEqual(out.cropped(x: 0, y: 0, width: 256, height: 256), plain)
        // The bar: cool at the left end, warm at the right, the background in the middle.
        let barY = 256 + 4 + 2
        let left = color(out, 4, barY), right = color(out, 251, barY), middle = color(out, 128, barY)
        XCTAssertGreaterThan(left.b, left.r)
        XCTAssertGreaterThan(right.r, right.b)
        XCTAssertEqual(middle, HeatmapOverlay.Legend.background)
        XCTAssertEqual(HeatmapOverlay.Legend.format(0.41), "0.41")
        XCTAssertEqual(HeatmapOverlay.Legend.format(0.0123), "0.012")
        XCTAssertEqual(HeatmapOverlay.Legend.format(123.4), "123")
    }

    func testColorMapIsDivergingAndGetsLighterWithStrength() {
        let warm = stride(from: 0.05, through: 1, by: 0.05).map { HeatmapOverlay.ColorMap.color($0) }
        let cool = stride(from: 0.05, through: 1, by: 0.05).map { HeatmapOverlay.ColorMap.color(-$0) }
        for (a, b) in zip(warm, warm.dropFirst()) { XCTAssertLessThan(a.luma, b.luma, "\(a) → \(b)") }
        for (a, b) in zip(cool, cool.dropFirst()) { XCTAssertLessThan(a.luma, b.luma, "\(a) → \(b)") }
        XCTAssertTrue(warm.allSatisfy { $0.r > $0.b }, "warm side is red-dominant")
        XCTAssertTrue(cool.allSatisfy { $0.b > $0.r }, "cool side is blue-dominant")
        XCTAssertEqual(HeatmapOverlay.ColorMap.color(2), HeatmapOverlay.ColorMap.color(1), "values clamp")
    }

    func testPNGOfTheResultRoundTrips() throws {
        let image = noise(width: 300, height: 200)
        let out = HeatmapOverlay().render(image: image, heatmap: heatmap([(3, 4, 1), (5, 5, -0.5)]), heatmapWidth: 14,
                                          heatmapHeight: 14, heatmapBox: (50, 0, 200, 200),
                                          regions: [.init(box: (60, 40, 80, 70), label: "1 VEIL 41%", rank: 1)])
        let bytes = try ImageEncoder.png(out)
        XCTAssertEqual(try ImageDecoder().decode(bytes), out)
    }

    /// A real scene with an invented explanation, as `focal explain` will draw
    /// it. Set FOCAL_RENDER_EXAMPLE=/some/file.png to keep the picture and look at it.
    func testRendersAWeddingPhoto() throws {
        let image = try ImageDecoder().decode(path: Repository.dataset("wedding") + "/images/test/000003.jpg")
        // The network's view: shorter side resized to 256, then the centre 224×224;
        // mapped back to original pixels (16, 16, 224, 224) for these 256×256 scenes.
        let resized = image.resized(shorterSide: 256)
        let factor = Double(image.width) / Double(resized.width)
        let side = Int((224 * factor).rounded())
        let crop: HeatmapOverlay.Box = (Int((Double((resized.width - 224) / 2) * factor).rounded()),
                                        Int((Double((resized.height - 224) / 2) * factor).rounded()), side, side)
        XCTAssertTrue(image.width != 256 || crop == (16, 16, 224, 224))
        var map = [Double](repeating: 0, count: 14 * 14)
        for j in 0..<14 {
            for i in 0..<14 {
                let warm = exp(-(pow(Double(i) - 6.5, 2) + pow(Double(j) - 4, 2)) / 4)
                let cool = exp(-(pow(Double(i) - 2, 2) + pow(Double(j) - 11, 2)) / 3)
                map[j * 14 + i] = 0.41 * warm - 0.12 * cool
            }
        }
        func box(_ i0: Int, _ j0: Int, _ i1: Int, _ j1: Int) -> HeatmapOverlay.Box {
            (crop.x + i0 * side / 14, crop.y + j0 * side / 14, (i1 - i0) * side / 14, (j1 - j0) * side / 14)
        }
        let regions: [HeatmapOverlay.Region] = [
            .init(box: box(4, 2, 9, 7), label: "1 VEIL 41%", rank: 1),
            .init(box: box(0, 9, 5, 14), label: "2 greenery -12%", rank: 2),
            .init(box: box(9, 8, 14, 13), label: "3 flowers 4%", rank: 3),
        ]
        let overlay = HeatmapOverlay()
        let out = overlay.render(image: image, heatmap: map, heatmapWidth: 14, heatmapHeight: 14, heatmapBox: crop, regions: regions)
        let size = overlay.pictureSize(width: image.width, height: image.height)
        XCTAssertEqual(out.width, size.width)
        XCTAssertEqual(out.height, size.height + overlay.legendHeight(forWidth: size.width, height: size.height))
        XCTAssertEqual(try ImageDecoder().decode(try ImageEncoder.png(out)), out)
        if let path = ProcessInfo.processInfo.environment["FOCAL_RENDER_EXAMPLE"] {
            try AtomicFile.write(try ImageEncoder.png(out), to: path)
        }
    }
}
