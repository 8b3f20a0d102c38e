import Foundation
import XCTest
@testable import FocalImages

/// A 2000x1500 JPEG decoded at n/8 scale in the DCT (`Options.minimumShorterSide`).
/// Sizes must be ceil(W·n/8) x ceil(H·n/8) with n the smallest eighth keeping the
/// shorter side at least the minimum; pixels are compared with Pillow's `draft`
/// (the same libjpeg scaling) at 1/8, 2/8 and 4/8, and at 3/8 (which Pillow
/// cannot draft) with a box filter of Pillow's full decode.
final class DCTScalingTests: XCTestCase {
    func decode(minimum: Int?) throws -> RGBImage {
        var options = ImageDecoder.Options()
        options.minimumShorterSide = minimum
        return try ImageDecoder(options: options).decode(path: fixturePath(Expected.shared.large.file))
    }

    func check(_ c: Expected.Large.Case, file: StaticString = #filePath, line: UInt = #line) throws {
        let large = Expected.shared.large
        let label = "minimumShorterSide \(c.minimumShorterSide.map(String.init) ?? "nil") (n = \(c.n))"
        // The expected size, from the rule itself.
        XCTAssertEqual(c.width, (large.width * c.n + 7) / 8, file: file, line: line)
        XCTAssertEqual(c.height, (large.height * c.n + 7) / 8, file: file, line: line)
        let image = try decode(minimum: c.minimumShorterSide)
        XCTAssertEqual(image.width, c.width, "\(label): width", file: file, line: line)
        XCTAssertEqual(image.height, c.height, "\(label): height", file: file, line: line)
        guard image.width == c.width, image.height == c.height else { return }
        if let minimum = c.minimumShorterSide, c.n < 8 {
            XCTAssertGreaterThanOrEqual(min(image.width, image.height), minimum, label, file: file, line: line)
        }
        let means = channelMeans(image)
        for k in 0..<3 {
            XCTAssertEqual(means[k], c.mean[k], accuracy: c.meanTolerance, "\(label): mean of channel \(k)", file: file, line: line)
        }
        if let samples = c.samples {
            assertClose(samplePixels(image, columns: samples.columns, rows: samples.rows), bytes(base64: samples.pixels),
                        max: samples.tolerance.max, mean: samples.tolerance.mean, width: samples.columns,
                        "\(label): sampled pixels vs \(c.reference)", file: file, line: line)
        }
        if let grid = c.grid {
            let ours = gridMeans(image, columns: grid.columns, rows: grid.rows)
            XCTAssertEqual(ours.count, grid.means.count, file: file, line: line)
            let worst = zip(ours, grid.means).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, grid.tolerance, "\(label): cell means vs \(c.reference)", file: file, line: line)
        }
    }

    func case_(_ n: Int, minimum: Int?) throws -> Expected.Large.Case {
        try XCTUnwrap(Expected.shared.large.cases.first { $0.n == n && $0.minimumShorterSide == minimum })
    }

    /// The brief's example: at least 512 → 3/8 → 750x563.
    func testThreeEighthsFor512() throws {
        let c = try case_(3, minimum: 512)
        XCTAssertEqual([c.width, c.height], [750, 563])
        try check(c)
    }

    func testFourEighthsMatchesPillowDraft() throws { try check(try case_(4, minimum: 750)) }
    func testTwoEighthsMatchesPillowDraft() throws { try check(try case_(2, minimum: 375)) }
    func testOneEighthMatchesPillowDraft() throws { try check(try case_(1, minimum: 188)) }
    func testFullSizeWithoutMinimum() throws { try check(try case_(8, minimum: nil)) }
    /// A minimum above the shorter side cannot be met: full size, never an upscale or a failure.
    func testUnreachableMinimumDecodesFullSize() throws { try check(try case_(8, minimum: 1501)) }

    func testEveryCaseInExpected() throws {
        for c in Expected.shared.large.cases { try check(c) }
    }

    /// The scale rule on its own, including the edges: the smallest n in 1...8 with
    /// ceil(shorter·n/8) >= minimum, 8 when none is.
    func testScaleRule() {
        func reference(_ w: Int, _ h: Int, _ minimum: Int?) -> Int {
            guard let minimum else { return 8 }
            let shorter = Double(min(w, h))
            return (1...8).first { (shorter * Double($0) / 8).rounded(.up) >= Double(minimum) } ?? 8
        }
        let sides = [1, 7, 8, 9, 100, 511, 512, 513, 1023, 1024, 1500, 2000, 4032]
        for w in sides {
            for h in [1, 8, 513, 1500, 3024] {
                for minimum in [nil, 1, 63, 64, 65, 128, 188, 256, 375, 511, 512, 513, 1024, 5000] as [Int?] {
                    XCTAssertEqual(ImageDecoder.dctScale(width: w, height: h, minimum: minimum), reference(w, h, minimum),
                                   "\(w)x\(h), minimum \(String(describing: minimum))")
                }
            }
        }
    }

    /// PNGs ignore the option (there is no DCT): always full size.
    func testPNGIgnoresMinimumShorterSide() throws {
        var options = ImageDecoder.Options()
        options.minimumShorterSide = 4
        let image = try ImageDecoder(options: options).decode(path: fixturePath("png_rgb8.png"))
        let expected = try XCTUnwrap(Expected.shared.files["png_rgb8.png"])
        XCTAssertEqual([image.width, image.height], [expected.width, expected.height])
    }

    /// The bomb guard looks at the declared size, not the scaled one.
    func testPixelLimitAppliesToTheFullSize() throws {
        var options = ImageDecoder.Options()
        options.minimumShorterSide = 188
        options.maxPixels = 2000 * 1500 - 1
        let path = fixturePath(Expected.shared.large.file)
        let error = expectImageError("large JPEG over the limit") { try ImageDecoder(options: options).decode(path: path) }
        XCTAssertEqual(error?.kind, .tooLarge)
    }
}
