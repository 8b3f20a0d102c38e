import FocalFiles
import FocalImages
@testable import FocalScenes
import FocalTestSupport
import Foundation
import XCTest

/// `--cutouts`: real cut-outs replace drawn elements and their alpha becomes the mask.
final class CutoutTests: XCTestCase {
    /// A disc of `color` with a transparent surround (and a soft edge), as a person would cut one out.
    func disc(size: Int, color: (UInt8, UInt8, UInt8)) throws -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: size * size * 4)
        let c = Float(size) / 2, r = Float(size) * 0.35
        for y in 0..<size {
            for x in 0..<size {
                let dx = Float(x) + 0.5 - c, dy = Float(y) + 0.5 - c
                let a = max(0, min(1, r - (dx * dx + dy * dy).squareRoot() + 0.5))
                let i = 4 * (y * size + x)
                pixels[i] = color.0; pixels[i + 1] = color.1; pixels[i + 2] = color.2
                pixels[i + 3] = UInt8(a * 255)
            }
        }
        return try ImageEncoder.png(pixels: pixels, width: size, height: size, channels: 4)
    }

    func testCutoutsReplaceDrawnElementsAndTheirAlphaIsTheMask() throws {
        let cuts = try temporaryFolder("cutouts"), out = try temporaryFolder("scenes")
        for (element, color) in [("bouquet", (UInt8(230), UInt8(0), UInt8(230))), ("veil", (UInt8(0), UInt8(200), UInt8(255)))] {
            try FileManager.default.createDirectory(atPath: cuts + "/" + element, withIntermediateDirectories: true)
            try AtomicFile.write(try disc(size: 60, color: color), to: "\(cuts)/\(element)/one.png")
        }
        // A file that is not a PNG is ignored; an unrelated folder too.
        try AtomicFile.write("notes", to: cuts + "/bouquet/readme.txt")
        let cutouts = try Cutouts(folder: cuts, elements: Wedding().elements)
        XCTAssertEqual(cutouts.elements, ["bouquet", "veil"])
        XCTAssertEqual(cutouts.images["bouquet"]?.first?.width, 42, "trimmed to the opaque part")

        let configuration = SynthConfiguration(seed: 5, counts: [.train: 16], cutouts: cutouts)
        try Generator.generate(Wedding(contextWithBouquet: 1, contextWithoutBouquet: 1), configuration: configuration, into: out)
        try checkMasks(out, size: 256)
        let (_, rows) = try readManifest(out)
        var bouquets = 0, veils = 0
        for row in rows {
            let image = try ImageDecoder().decode(path: out + "/" + row.image)
            var counters: [String: Int] = [:]
            for region in row.regions where region.concept == "bouquet" || region.concept == "veil" {
                let k = counters[region.concept, default: 0]
                counters[region.concept] = k + 1
                let mask = try readMask("\(out)/masks/train/\(row.stem)_\(region.concept)_\(k).png")
                var matching = 0, total = 0
                for p in 0..<(256 * 256) where mask.pixels[p] == 255 {
                    let pixel = image[p % 256, p / 256]
                    let (r, g, b) = (Int(pixel.r), Int(pixel.g), Int(pixel.b))
                    total += 1
                    if region.concept == "bouquet" ? (r > g + 60 && b > g + 60) : (b > r + 60 && g > r + 30) { matching += 1 }
                }
                // Lighting and the holding hand change some pixels; most are the cut-out's colour.
                XCTAssertGreaterThan(Double(matching) / Double(total), 0.7, "\(row.image) \(region.concept)")
                if region.concept == "bouquet" { bouquets += 1 } else { veils += 1 }
            }
        }
        XCTAssertEqual(bouquets, 8)
        XCTAssertEqual(veils, 16)
        let summary = try String(contentsOfFile: out + "/synth.json", encoding: .utf8)
        XCTAssertTrue(summary.contains("\"cutouts\""))
    }

    func testMissingCutoutFolderIsAnError() {
        XCTAssertThrowsError(try Cutouts(folder: "/nonexistent/cutouts", elements: ["veil"])) { error in
            XCTAssertTrue("\(error)".contains("no such folder"))
        }
    }
}
