import Foundation
import XCTest
@testable import FocalImages

/// EXIF orientation: the same asymmetric JPEG saved with tags 1...8 must decode
/// to Pillow's `ImageOps.exif_transpose` of its decode; malformed EXIF reads as `.up`.
final class OrientationTests: XCTestCase {
    func check(_ name: String, decoder: ImageDecoder = ImageDecoder(), file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try XCTUnwrap(Expected.shared.files[name], file: file, line: line)
        let image = try decoder.decode(path: fixturePath(name))
        XCTAssertEqual([image.width, image.height], [expected.width, expected.height], "\(name): size", file: file, line: line)
        guard image.width == expected.width, image.height == expected.height, let pixels = expected.pixels else { return }
        assertClose(image.pixels, bytes(base64: pixels), max: expected.tolerance.max, mean: expected.tolerance.mean,
                    width: image.width, name, file: file, line: line)
    }

    func testOrientation1Up() throws { try check("orient_1.jpg") }
    func testOrientation2UpMirrored() throws { try check("orient_2.jpg") }
    func testOrientation3Down() throws { try check("orient_3.jpg") }
    func testOrientation4DownMirrored() throws { try check("orient_4.jpg") }
    func testOrientation5LeftMirrored() throws { try check("orient_5.jpg") }
    func testOrientation6Right() throws { try check("orient_6.jpg") }
    func testOrientation7RightMirrored() throws { try check("orient_7.jpg") }
    func testOrientation8Left() throws { try check("orient_8.jpg") }

    /// An APP1 Exif block whose IFD offset points past its end: the photo, as stored.
    func testMalformedExifInFileReadsAsStored() throws { try check("orient_malformed.jpg") }

    /// With `appliesOrientation = false` every file gives the stored pixels.
    func testOrientationCanBeSwitchedOff() throws {
        let raw = Expected.shared.orientationRaw
        var options = ImageDecoder.Options()
        options.appliesOrientation = false
        for n in 1...8 {
            let image = try ImageDecoder(options: options).decode(path: fixturePath("orient_\(n).jpg"))
            XCTAssertEqual([image.width, image.height], [raw.width, raw.height], "orient_\(n).jpg")
            guard image.width == raw.width, image.height == raw.height else { continue }
            assertClose(image.pixels, bytes(base64: raw.pixels), max: raw.tolerance.max, mean: raw.tolerance.mean,
                        width: image.width, "orient_\(n).jpg as stored")
        }
    }

    /// Turning and DCT scaling together: 37x22 at 4/8 is 19x11, turned to 11x19.
    func testOrientationWithDCTScaling() throws {
        let scaled = Expected.shared.orientationScaled
        var options = ImageDecoder.Options()
        options.minimumShorterSide = scaled.minimumShorterSide
        let image = try ImageDecoder(options: options).decode(path: fixturePath(scaled.file))
        XCTAssertEqual([image.width, image.height], [scaled.width, scaled.height])
        guard image.width == scaled.width, image.height == scaled.height else { return }
        assertClose(image.pixels, bytes(base64: scaled.pixels), max: scaled.tolerance.max, mean: scaled.tolerance.mean,
                    width: image.width, "\(scaled.file) at 4/8")
    }

    // MARK: The EXIF parser

    /// The APP1 "Exif\0\0" payload of a JPEG, found by walking its markers.
    func exifPayload(_ jpeg: [UInt8]) -> [UInt8]? {
        var i = 2
        while i + 4 <= jpeg.count, jpeg[i] == 0xFF {
            let marker = jpeg[i + 1]
            let length = Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3])
            if marker == 0xDA { return nil }
            let body = Array(jpeg[(i + 4)..<min(i + 2 + length, jpeg.count)])
            if marker == 0xE1, body.starts(with: Array("Exif\0\0".utf8)) { return Array(body.dropFirst(6)) }
            i += 2 + length
        }
        return nil
    }

    /// The blocks Pillow wrote (tags verified there with Pillow's own reader),
    /// big-endian for odd orientations and little-endian for even ones.
    func testParsesTheFixtureBlocks() throws {
        for n in 1...8 {
            let expected = try XCTUnwrap(Expected.shared.files["orient_\(n).jpg"]?.orientation)
            let exif = try XCTUnwrap(exifPayload(try readFileBytes(fixturePath("orient_\(n).jpg"))), "orient_\(n).jpg")
            XCTAssertEqual(ExifOrientation(exif: exif).rawValue, expected, "orient_\(n).jpg")
        }
    }

    /// A TIFF header and IFD0 with `entries` (tag, type, count, value-or-offset bytes).
    func tiff(bigEndian: Bool, entries: [(UInt16, UInt16, UInt32, [UInt8])], ifdOffset: UInt32 = 8) -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) -> [UInt8] { bigEndian ? u16(UInt16(v >> 16)) + u16(UInt16(v & 0xFFFF)) : u16(UInt16(v & 0xFFFF)) + u16(UInt16(v >> 16)) }
        var out: [UInt8] = (bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]) + u16(42) + u32(ifdOffset)
        out += [UInt8](repeating: 0, count: max(0, Int(ifdOffset) - 8))
        out += u16(UInt16(entries.count))
        for (tag, type, count, value) in entries {
            out += u16(tag) + u16(type) + u32(count) + value + [UInt8](repeating: 0, count: 4 - value.count)
        }
        return out + u32(0)
    }

    func short(_ v: UInt16, bigEndian: Bool) -> [UInt8] {
        bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)]
    }

    func testParsesWellFormedBlocks() {
        for bigEndian in [false, true] {
            for n in 1...8 {
                let entries: [(UInt16, UInt16, UInt32, [UInt8])] = [
                    (0x0100, 4, 1, [1, 0, 0, 0]),
                    (0x0112, 3, 1, short(UInt16(n), bigEndian: bigEndian)),
                    (0x0131, 2, 4, Array("abc\0".utf8)),
                ]
                XCTAssertEqual(ExifOrientation(exif: tiff(bigEndian: bigEndian, entries: entries)).rawValue, n,
                               "orientation \(n), big-endian \(bigEndian)")
                // IFD0 placed further in, as some cameras do.
                XCTAssertEqual(ExifOrientation(exif: tiff(bigEndian: bigEndian, entries: entries, ifdOffset: 30)).rawValue, n)
            }
        }
    }

    /// Malformed blocks must read as `.up`, never trap (out-of-range reads would).
    func testMalformedBlocksReadAsUp() {
        let good = tiff(bigEndian: false, entries: [(0x0112, 3, 1, [6, 0])])
        XCTAssertEqual(ExifOrientation(exif: good), .right, "the base block parses")
        var cases: [String: [UInt8]] = [
            "empty": [],
            "one byte": [0x49],
            "seven bytes": Array(good.prefix(7)),
            "bad byte order": [0x49, 0x4D] + good.dropFirst(2),
            "lowercase byte order": [0x69, 0x69] + good.dropFirst(2),
            "magic 43": [0x49, 0x49, 43, 0] + good.dropFirst(4),
            "magic big-endian in a little-endian block": [0x49, 0x49, 0, 42] + good.dropFirst(4),
            "IFD offset past the end": tiff(bigEndian: false, entries: [(0x0112, 3, 1, [6, 0])], ifdOffset: 8).prefix(8) + [],
            "IFD offset 0xFFFFFFFF": [0x49, 0x49, 42, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0],
            "IFD offset 0xFFFFFFFF big-endian": [0x4D, 0x4D, 0, 42, 0xFF, 0xFF, 0xFF, 0xFF, 0, 1],
            "entry count beyond the data": [0x49, 0x49, 42, 0, 8, 0, 0, 0, 0xFF, 0xFF, 0x12, 0x01],
            "truncated entry": Array(good.prefix(8 + 2 + 6)),
            "orientation 0": tiff(bigEndian: false, entries: [(0x0112, 3, 1, [0, 0])]),
            "orientation 9": tiff(bigEndian: true, entries: [(0x0112, 3, 1, [0, 9])]),
            "orientation 0xFFFF": tiff(bigEndian: true, entries: [(0x0112, 3, 1, [0xFF, 0xFF])]),
            "orientation as LONG": tiff(bigEndian: false, entries: [(0x0112, 4, 1, [6, 0, 0, 0])]),
            "no orientation tag": tiff(bigEndian: false, entries: [(0x0100, 4, 1, [1, 0, 0, 0])]),
            "zero entries": tiff(bigEndian: false, entries: []),
            "all 0xFF": [UInt8](repeating: 0xFF, count: 64),
            "all zero": [UInt8](repeating: 0, count: 64),
        ]
        cases["value cut off"] = Array(good.prefix(8 + 2 + 9))
        for (what, block) in cases {
            XCTAssertEqual(ExifOrientation(exif: block), .up, what)
        }
        // Every prefix of a good block, and every single-byte corruption, parses without trapping.
        for k in 0..<good.count {
            _ = ExifOrientation(exif: Array(good.prefix(k)))
            for v: UInt8 in [0x00, 0x7F, 0xFF] {
                var b = good
                b[k] = v
                _ = ExifOrientation(exif: b)
            }
        }
    }

    func testSwapsAxes() {
        XCTAssertEqual((1...8).map { ExifOrientation(rawValue: $0)!.swapsAxes },
                       [false, false, false, false, true, true, true, true])
    }

    /// `oriented` composes as the dihedral group does: turning right then left, or
    /// mirroring twice, gives the image back (checked on a non-square image).
    func testOrientedComposes() {
        let image = syntheticImage(width: 7, height: 4)
        XCTAssertEqual(image.oriented(.right).oriented(.left), image)
        XCTAssertEqual(image.oriented(.down).oriented(.down), image)
        XCTAssertEqual(image.oriented(.upMirrored).oriented(.upMirrored), image)
        XCTAssertEqual(image.oriented(.leftMirrored).oriented(.leftMirrored), image)
        XCTAssertEqual(image.oriented(.rightMirrored).oriented(.rightMirrored), image)
        XCTAssertEqual(image.oriented(.right).oriented(.right), image.oriented(.down))
        XCTAssertEqual(image.oriented(.up), image)
        XCTAssertEqual(image.oriented(.right).width, 4)
    }
}
