import Foundation
import XCTest
@testable import FocalImages

/// `ImageEncoder` round trips: PNG is lossless, JPEG close to its input.
final class EncoderTests: XCTestCase {
    func testPNGRoundTripIsExact() throws {
        for (w, h) in [(1, 1), (37, 23), (64, 1), (1, 50), (97, 61)] {
            let image = syntheticImage(width: w, height: h)
            let png = try ImageEncoder.png(image)
            XCTAssertEqual(ImageFormat(sniffing: png), .png)
            XCTAssertEqual(try ImageDecoder().decode(png), image, "\(w)x\(h)")
        }
    }

    /// Decoded fixtures (Pillow-checked in DecodingTests) survive a PNG round trip unchanged.
    func testFixturesRoundTripThroughPNG() throws {
        for name in ["png_rgba.png", "png_palette_trns.png", "jpeg_cmyk.jpg", "orient_7.jpg"] {
            let image = try ImageDecoder().decode(path: fixturePath(name))
            XCTAssertEqual(try ImageDecoder().decode(ImageEncoder.png(image)), image, name)
        }
    }

    func testGrayPNGDecodesReplicated() throws {
        let (w, h) = (29, 17)
        let gray = (0..<(w * h)).map { UInt8(($0 * 37) % 256) }
        let png = try ImageEncoder.png(pixels: gray, width: w, height: h, channels: 1)
        let image = try ImageDecoder().decode(png)
        XCTAssertEqual(image.pixels, gray.flatMap { [$0, $0, $0] })
    }

    /// RGBA written by the encoder reads back composited on white: (c·a + 255·(255 − a) + 127) / 255.
    func testRGBAPNGDecodesComposited() throws {
        let (w, h) = (31, 9)
        var rgba: [UInt8] = []
        for i in 0..<(w * h) {
            rgba += [UInt8(i % 256), UInt8((i * 7) % 256), UInt8((i * 13) % 256), UInt8((i * 5) % 256)]
        }
        let image = try ImageDecoder().decode(ImageEncoder.png(pixels: rgba, width: w, height: h, channels: 4))
        for i in 0..<(w * h) {
            let a = Int(rgba[4 * i + 3])
            for c in 0..<3 {
                let expected = (Int(rgba[4 * i + c]) * a + 255 * (255 - a) + 127) / 255
                XCTAssertEqual(Int(image.pixels[3 * i + c]), expected, "pixel \(i) channel \(c), alpha \(a)")
            }
        }
    }

    func testPNGEncodingRefusesTwoChannels() {
        XCTAssertThrowsError(try ImageEncoder.png(pixels: [0, 0], width: 1, height: 1, channels: 2)) { error in
            XCTAssertEqual((error as? ImageError)?.kind, .corrupt)
        }
    }

    /// `ImageEncoder.jpeg` then `ImageDecoder` against Pillow's save-and-open of the
    /// same image (both libjpeg with its defaults: 4:2:0, baseline, accurate DCT).
    func testJPEGRoundTripMatchesPillows() throws {
        XCTAssertGreaterThanOrEqual(Expected.shared.jpegRoundtrip.count, 5)
        for ref in Expected.shared.jpegRoundtrip {
            let what = "JPEG q\(ref.quality) \(ref.width)x\(ref.height)"
            let source = smoothImage(width: ref.width, height: ref.height)
            let jpeg = try ImageEncoder.jpeg(source, quality: ref.quality)
            XCTAssertEqual(Array(jpeg.prefix(3)), [0xFF, 0xD8, 0xFF], what)
            XCTAssertEqual(Array(jpeg.suffix(2)), [0xFF, 0xD9], what)
            let decoded = try ImageDecoder().decode(jpeg)
            XCTAssertEqual([decoded.width, decoded.height], [ref.width, ref.height], what)
            guard decoded.width == ref.width, decoded.height == ref.height else { continue }
            assertClose(decoded.pixels, bytes(base64: ref.pixels), max: ref.tolerance.max, mean: ref.tolerance.mean,
                        width: ref.width, what + " vs Pillow's round trip")
            // And no further from the source than Pillow's round trip is (give or take a level).
            assertClose(decoded.pixels, source.pixels, max: ref.pillowError.max + 2, mean: ref.pillowError.mean + 0.25,
                        width: ref.width, what + " vs the source")
        }
    }

    /// Lower quality: a smaller file and a different image.
    func testJPEGQualityTradesSizeForError() throws {
        let image = smoothImage(width: 97, height: 61)
        let high = try ImageEncoder.jpeg(image, quality: 95)
        let low = try ImageEncoder.jpeg(image, quality: 30)
        XCTAssertLessThan(low.count, high.count)
        XCTAssertNotEqual(try ImageDecoder().decode(low), try ImageDecoder().decode(high))
    }

    /// A JPEG written by the encoder and then scaled in the DCT keeps the scaling rule.
    func testEncodedJPEGDecodesScaled() throws {
        let jpeg = try ImageEncoder.jpeg(smoothImage(width: 1030, height: 777), quality: 80)
        var options = ImageDecoder.Options()
        options.minimumShorterSide = 256
        let image = try ImageDecoder(options: options).decode(jpeg)
        // 777·3/8 = 291.4 → 292 ≥ 256, while 777·2/8 = 194.25 → 195 < 256.
        XCTAssertEqual([image.width, image.height], [387, 292])
    }
}
