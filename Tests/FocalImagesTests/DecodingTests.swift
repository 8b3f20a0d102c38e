import Foundation
import XCTest
@testable import FocalImages

/// JPEG and PNG files of every kind against Pillow's decode of the same file.
final class DecodingTests: XCTestCase {
    /// Decodes a fixture and compares size, per-channel mean and every pixel with Pillow.
    func check(_ name: String, decoder: ImageDecoder = ImageDecoder(), file: StaticString = #filePath, line: UInt = #line) throws {
        guard let expected = Expected.shared.files[name] else {
            return XCTFail("\(name) is not in expected.json", file: file, line: line)
        }
        let image = try decoder.decode(path: fixturePath(name))
        XCTAssertEqual(image.width, expected.width, "\(name): width", file: file, line: line)
        XCTAssertEqual(image.height, expected.height, "\(name): height", file: file, line: line)
        guard image.width == expected.width, image.height == expected.height else { return }
        let means = channelMeans(image)
        for c in 0..<3 {
            XCTAssertEqual(means[c], expected.mean[c], accuracy: max(expected.tolerance.mean, 1e-3),
                           "\(name): mean of channel \(c)", file: file, line: line)
        }
        if let pixels = expected.pixels {
            assertClose(image.pixels, bytes(base64: pixels), max: expected.tolerance.max,
                        mean: expected.tolerance.mean, width: image.width, name, file: file, line: line)
        }
    }

    // MARK: JPEG

    func testBaselineJPEG() throws { try check("jpeg_baseline.jpg") }
    func testBaseline444JPEG() throws { try check("jpeg_444.jpg") }
    func testProgressiveJPEG() throws { try check("jpeg_progressive.jpg") }
    func testGrayscaleJPEG() throws { try check("jpeg_gray.jpg") }

    /// Gray decodes to R = G = B.
    func testGrayscaleJPEGIsNeutral() throws {
        let image = try ImageDecoder().decode(path: fixturePath("jpeg_gray.jpg"))
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            XCTAssertEqual(image.pixels[i], image.pixels[i + 1])
            XCTAssertEqual(image.pixels[i], image.pixels[i + 2])
        }
    }

    /// Adobe (inverted) CMYK, converted with R = C·K/255 on the stored samples.
    func testCMYKJPEG() throws { try check("jpeg_cmyk.jpg") }

    /// The format is sniffed from the bytes, not the name.
    func testPNGNamedJPG() throws { try check("misnamed_png.jpg") }

    // MARK: PNG

    func testPNGRGB8() throws { try check("png_rgb8.png") }
    /// 16-bit samples keep their high byte (as Pillow does), not a rounded value.
    func testPNGRGB16() throws { try check("png_rgb16.png") }
    func testPNGPalette() throws { try check("png_palette.png") }
    func testPNGPaletteWithTransparency() throws { try check("png_palette_trns.png") }
    func testPNGGray8() throws { try check("png_gray8.png") }
    func testPNGGray1() throws { try check("png_gray1.png") }
    func testPNGGray2() throws { try check("png_gray2.png") }
    func testPNGGray4() throws { try check("png_gray4.png") }
    func testPNGGrayAlpha() throws { try check("png_gray_alpha.png") }
    func testPNGGrayColourKey() throws { try check("png_gray_trns.png") }
    func testPNGRGBColourKey() throws { try check("png_rgb_trns.png") }
    /// Partial alpha over white: (c·a + 255·(255 − a) + 127) / 255.
    func testPNGRGBAPartialAlpha() throws { try check("png_rgba.png") }
    func testPNGRGBA16() throws { try check("png_rgba16.png") }
    func testPNGInterlaced() throws { try check("png_interlaced.png") }
    func testPNGInterlacedGray2() throws { try check("png_gray2_interlaced.png") }

    /// Transparent pixels go over `Options.background`.
    func testPNGAlphaOverCustomBackground() throws {
        let expected = try XCTUnwrap(Expected.shared.files["png_rgba.png"]?.onBackground)
        var options = ImageDecoder.Options()
        options.background = (UInt8(expected.background[0]), UInt8(expected.background[1]), UInt8(expected.background[2]))
        let image = try ImageDecoder(options: options).decode(path: fixturePath("png_rgba.png"))
        assertClose(image.pixels, bytes(base64: expected.pixels), max: 0, mean: 0, width: image.width,
                    "png_rgba.png over \(expected.background)")
    }

    /// Every file listed in expected.json decodes (a catch-all for fixtures added later).
    func testEveryListedFixtureMatchesPillow() throws {
        for name in Expected.shared.files.keys.sorted() {
            try check(name)
        }
    }

    // MARK: Sniffing, in-memory decoding and limits

    func testFormatIsSniffedFromBytes() throws {
        XCTAssertEqual(ImageFormat(sniffing: try readFileBytes(fixturePath("jpeg_baseline.jpg"))), .jpeg)
        XCTAssertEqual(ImageFormat(sniffing: try readFileBytes(fixturePath("png_rgb8.png"))), .png)
        XCTAssertEqual(ImageFormat(sniffing: try readFileBytes(fixturePath("misnamed_png.jpg"))), .png)
        XCTAssertNil(ImageFormat(sniffing: try readFileBytes(fixturePath("bad_text.jpg"))))
        XCTAssertNil(ImageFormat(sniffing: [UInt8]()))
        XCTAssertNil(ImageFormat(sniffing: [0xFF, 0xD8]))
        XCTAssertNil(ImageFormat(sniffing: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A]))
    }

    func testInMemoryDecodeEqualsFileDecode() throws {
        for name in ["jpeg_baseline.jpg", "jpeg_cmyk.jpg", "orient_6.jpg", "png_rgba.png", "png_interlaced.png"] {
            let path = fixturePath(name)
            XCTAssertEqual(try ImageDecoder().decode(readFileBytes(path)), try ImageDecoder().decode(path: path), name)
        }
    }

    /// The pixel limit is inclusive: exactly maxPixels decodes, one fewer refuses.
    func testMaxPixelsBoundary() throws {
        for name in ["jpeg_baseline.jpg", "png_rgb8.png", "png_interlaced.png"] {
            let expected = try XCTUnwrap(Expected.shared.files[name])
            let pixels = expected.width * expected.height
            var options = ImageDecoder.Options()
            options.maxPixels = pixels
            XCTAssertEqual(try ImageDecoder(options: options).decode(path: fixturePath(name)).width, expected.width, name)
            options.maxPixels = pixels - 1
            let path = fixturePath(name)
            let error = expectImageError(name) { try ImageDecoder(options: options).decode(path: path) }
            XCTAssertEqual(error?.kind, .tooLarge, name)
            XCTAssertEqual(error?.path, path, name)
        }
    }

    /// The same decoder value decodes many files one after another, and from several threads.
    func testDecoderIsReusableAcrossThreads() throws {
        let names = ["jpeg_baseline.jpg", "jpeg_progressive.jpg", "png_rgba.png", "png_palette_trns.png", "bad_truncated.jpg"]
        let decoder = ImageDecoder()
        let reference = names.map { try? decoder.decode(path: fixturePath($0)) }
        let paths = names.map(fixturePath)
        let mismatches = UnsafeMutableBufferPointer<Int>.allocate(capacity: 8)
        mismatches.initialize(repeating: 0)
        defer { mismatches.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for round in 0..<10 {
                for k in paths.indices {
                    let i = (k + round + worker) % paths.count  // each worker in its own order
                    if (try? decoder.decode(path: paths[i])) != reference[i] { mismatches[worker] += 1 }
                }
            }
        }
        XCTAssertEqual(mismatches.reduce(0, +), 0)
        XCTAssertNil(reference[4], "the truncated JPEG must not decode")
    }
}
