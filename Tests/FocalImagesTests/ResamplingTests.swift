import Foundation
import XCTest
@testable import FocalImages

/// `Resampling.bilinear` must equal Pillow's `resize(..., Image.BILINEAR)` byte
/// for byte: downscales by non-integer factors, upscales, one axis only.
final class ResamplingTests: XCTestCase {
    static var sources: [String: RGBImage] = [:]

    func source(_ name: String) throws -> RGBImage {
        if let image = Self.sources[name] { return image }
        // PNG decoding is exact (checked against Pillow in DecodingTests).
        let image = try ImageDecoder().decode(path: fixturePath(name))
        Self.sources[name] = image
        return image
    }

    func checkExact(_ image: RGBImage, _ expected: Expected.Exact, _ what: String,
                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual([image.width, image.height], [expected.width, expected.height], "\(what): size", file: file, line: line)
        guard image.width == expected.width, image.height == expected.height else { return }
        if let pixels = expected.pixels {
            assertClose(image.pixels, bytes(base64: pixels), max: 0, mean: 0, width: image.width, what, file: file, line: line)
        }
        XCTAssertEqual(fnv1a64(image.pixels), expected.fnv1a64, "\(what): FNV-1a of the pixels", file: file, line: line)
        let means = channelMeans(image)
        for c in 0..<3 {
            XCTAssertEqual(means[c], expected.mean[c], accuracy: 1e-3, "\(what): mean of channel \(c)", file: file, line: line)
        }
    }

    func testFixtureResizesMatchPillow() throws {
        XCTAssertGreaterThan(Expected.shared.resize.count, 10)
        for entry in Expected.shared.resize {
            let name = try XCTUnwrap(entry.source)
            let src = try source(name)
            checkExact(Resampling.bilinear(src, width: entry.width, height: entry.height), entry,
                       "\(name) \(src.width)x\(src.height) → \(entry.width)x\(entry.height)")
        }
    }

    /// Larger sources (downscale up to 27x, upscale 3x) from a formula shared with the script.
    func testSyntheticResizesMatchPillow() throws {
        for entry in Expected.shared.syntheticResize {
            let (w, h) = (try XCTUnwrap(entry.sourceWidth), try XCTUnwrap(entry.sourceHeight))
            checkExact(Resampling.bilinear(syntheticImage(width: w, height: h), width: entry.width, height: entry.height),
                       entry, "synthetic \(w)x\(h) → \(entry.width)x\(entry.height)")
        }
    }

    /// The shorter side to `s`, the longer one to Python's round(long·s/short) (half to even).
    func testResizedShorterSideMatchesPillow() throws {
        for entry in Expected.shared.shorterSide {
            let (w, h, s) = (try XCTUnwrap(entry.sourceWidth), try XCTUnwrap(entry.sourceHeight), try XCTUnwrap(entry.shorterSide))
            checkExact(syntheticImage(width: w, height: h).resized(shorterSide: s), entry,
                       "synthetic \(w)x\(h) resized(shorterSide: \(s))")
        }
    }

    /// Pillow's crop at left = (W − w) / 2, top = (H − h) / 2.
    func testCenterCropMatchesPillow() throws {
        for entry in Expected.shared.crop {
            let name = try XCTUnwrap(entry.source)
            let src = try source(name)
            let cropped = src.centerCropped(width: entry.width, height: entry.height)
            checkExact(cropped, entry, "\(name) centre crop \(entry.width)x\(entry.height)")
            if let left = entry.left, let top = entry.top {
                XCTAssertEqual(cropped, src.cropped(x: left, y: top, width: entry.width, height: entry.height))
            }
        }
    }

    /// Resizing only the pixels a centre crop keeps gives the crop of the
    /// whole resize (which the tests above hold to Pillow), pixel for pixel:
    /// downscales, upscales, and one axis left at its size.
    func testResizeOfTheCropIsTheCropOfTheResize() throws {
        for (w, h, s, crop) in [(1000, 750, 256, 224), (750, 1000, 256, 224), (300, 200, 256, 224), (256, 400, 256, 224),
                                (400, 256, 256, 200), (97, 61, 40, 33)] {
            let image = syntheticImage(width: w, height: h)
            let whole = image.resized(shorterSide: s).centerCropped(width: crop, height: crop)
            XCTAssertEqual(image.resized(shorterSide: s, centerCroppedTo: (crop, crop)), whole, "\(w)x\(h) → \(s), crop \(crop)")
        }
    }

    func testSameSizeIsIdentity() throws {
        let src = try source("resize_source.png")
        XCTAssertEqual(Resampling.bilinear(src, width: src.width, height: src.height), src)
        XCTAssertEqual(src.resized(shorterSide: min(src.width, src.height)), src)
    }

    /// A solid image stays solid at any size (the weights are normalised).
    func testSolidStaysSolid() {
        let solid = RGBImage(width: 37, height: 23, color: (200, 17, 99))
        for (w, h) in [(5, 3), (100, 61), (37, 80), (1, 1), (36, 22)] {
            XCTAssertEqual(Resampling.bilinear(solid, width: w, height: h), RGBImage(width: w, height: h, color: (200, 17, 99)),
                           "\(w)x\(h)")
        }
    }

    /// The tap tables: each output's weights sum to 1.0 in 22-bit fixed point (give
    /// or take rounding of each weight) and stay inside the input.
    func testTapsStayInsideAndSumToOne() {
        for (input, output) in [(97, 40), (61, 17), (23, 61), (1000, 37), (7, 7), (1, 5), (5, 1)] {
            let t = Resampling.taps(inputSize: input, outputSize: output)
            for xx in 0..<output {
                let first = Int(t.first[xx]), count = Int(t.count[xx])
                XCTAssertGreaterThanOrEqual(first, 0)
                XCTAssertLessThanOrEqual(first + count, input)
                XCTAssertLessThanOrEqual(count, t.stride)
                let sum = (0..<count).reduce(0) { $0 + Int(t.weights[xx * t.stride + $1]) }
                XCTAssertEqual(Double(sum), Double(1 << 22), accuracy: Double(count), "\(input)→\(output), output \(xx)")
            }
        }
    }
}
