import Foundation
import XCTest
@testable import FocalImages

/// Broken files must throw `ImageError` of the right kind whose description
/// starts with the file's path, and the process must carry on (no exit, no trap).
/// Pillow also refuses every one of these files (recorded in expected.json).
final class BadInputTests: XCTestCase {
    @discardableResult
    func check(_ name: String, decoder: ImageDecoder = ImageDecoder(), file: StaticString = #filePath, line: UInt = #line) throws -> ImageError? {
        let expected = try XCTUnwrap(Expected.shared.bad[name], "\(name) is not in expected.json", file: file, line: line)
        let path = fixturePath(name)
        guard let error = expectImageError(name, file: file, line: line, { try decoder.decode(path: path) }) else { return nil }
        XCTAssertEqual(error.kind.rawValue, expected.kind, "\(name) (\(expected.note)): \(error)", file: file, line: line)
        XCTAssertEqual(error.path, path, file: file, line: line)
        XCTAssertTrue(error.description.hasPrefix(path + ": "), "\(name): description \"\(error.description)\" must start with the path",
                      file: file, line: line)
        XCTAssertFalse(error.reason.isEmpty, "\(name): an empty reason", file: file, line: line)
        XCTAssertFalse(error.description.contains("\n"), "\(name): the description is one line", file: file, line: line)
        // The same bytes in memory: same kind, no path.
        let bytes = try readFileBytes(path)
        if let inMemory = expectImageError(name + " in memory", file: file, line: line, { try decoder.decode(bytes) }) {
            XCTAssertEqual(inMemory.kind, error.kind, "\(name) in memory", file: file, line: line)
            XCTAssertNil(inMemory.path, file: file, line: line)
            XCTAssertEqual(inMemory.description, inMemory.reason, file: file, line: line)
        }
        return error
    }

    func testZeroByteFile() throws { try check("bad_empty.jpg") }
    func testTextNamedJPG() throws { try check("bad_text.jpg") }
    func testTruncatedJPEG() throws { try check("bad_truncated.jpg") }
    func testTruncatedProgressiveJPEG() throws { try check("bad_truncated_progressive.jpg") }
    func testCorruptJPEGHeader() throws { try check("bad_header.jpg") }
    func testJPEGOfZeroPixels() throws { try check("bad_zero_size.jpg") }
    func testTruncatedPNG() throws { try check("bad_truncated.png") }
    func testPNGWithBrokenCRC() throws { try check("bad_crc.png") }
    func testPNGWithGarbageAfterSignature() throws { try check("bad_garbage.png") }
    func testPNGWithBrokenZlibStream() throws { try check("bad_idat.png") }

    /// IHDR declares 50000x50000: refused from the header, before any allocation.
    func testPNGDecompressionBomb() throws {
        let error = try check("bomb.png")
        XCTAssertTrue(error?.reason.contains("50000x50000") ?? false, "\(String(describing: error))")
    }

    /// SOF0 declares 60000x60000 in a 1 KB file.
    func testJPEGDecompressionBomb() throws {
        let error = try check("bomb.jpg")
        XCTAssertTrue(error?.reason.contains("60000x60000") ?? false, "\(String(describing: error))")
    }

    func testEveryListedBadFile() throws {
        XCTAssertGreaterThanOrEqual(Expected.shared.bad.count, 12)
        for name in Expected.shared.bad.keys.sorted() { try check(name) }
    }

    /// Decoding broken files over and over: no state left behind in the codecs
    /// (a good file still decodes right after), nothing leaks into a crash.
    func testRepeatedFailuresLeaveDecoderUsable() throws {
        let decoder = ImageDecoder()
        let good = try decoder.decode(path: fixturePath("jpeg_baseline.jpg"))
        for _ in 0..<50 {
            for name in Expected.shared.bad.keys.sorted() {
                XCTAssertThrowsError(try decoder.decode(path: fixturePath(name)))
            }
            XCTAssertEqual(try decoder.decode(path: fixturePath("jpeg_baseline.jpg")), good)
        }
    }

    func testMissingFileIsUnreadable() {
        let path = NSTemporaryDirectory() + "/focal-no-such-file-\(UUID().uuidString).jpg"
        let error = expectImageError("missing file") { try ImageDecoder().decode(path: path) }
        XCTAssertEqual(error?.kind, .unreadable)
        XCTAssertEqual(error?.path, path)
        XCTAssertTrue(error?.description.hasPrefix(path + ": ") ?? false, "\(String(describing: error))")
    }

    func testDirectoryIsUnreadable() throws {
        let path = NSTemporaryDirectory() + "/focal-dir-\(UUID().uuidString).jpg"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = expectImageError("directory") { try ImageDecoder().decode(path: path) }
        XCTAssertEqual(error?.kind, .unreadable)
        XCTAssertTrue(error?.description.hasPrefix(path + ": ") ?? false, "\(String(describing: error))")
    }

    func testFileOverTheByteLimitIsTooLarge() {
        let path = fixturePath("png_rgb8.png")
        let error = expectImageError("byte limit") { try readFileBytes(path, limit: 100) }
        XCTAssertEqual(error?.kind, .tooLarge)
        XCTAssertTrue(error?.description.hasPrefix(path + ": ") ?? false)
    }

    func testEmptyBytesInMemory() {
        let error = expectImageError("empty bytes") { try ImageDecoder().decode([UInt8]()) }
        XCTAssertEqual(error?.kind, .empty)
        XCTAssertNil(error?.path)
    }

    /// Only a signature, or a signature and a few bytes, of each format.
    func testBareSignatures() {
        let inputs: [String: [UInt8]] = [
            "JPEG SOI only": [0xFF, 0xD8, 0xFF],
            "JPEG SOI and EOI": [0xFF, 0xD8, 0xFF, 0xD9],
            "PNG signature only": [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            "PNG signature and a zero-length IHDR": [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0, 0x49, 0x48, 0x44, 0x52],
        ]
        for (what, bytes) in inputs {
            let error = expectImageError(what) { try ImageDecoder().decode(bytes) }
            XCTAssertEqual(error?.kind, .corrupt, what)
        }
    }

    /// Every prefix length of a small JPEG and PNG either decodes or throws
    /// `ImageError`; none ends the process.
    func testEveryTruncationFailsCleanly() throws {
        for name in ["jpeg_progressive.jpg", "png_interlaced.png", "png_palette_trns.png"] {
            let bytes = try readFileBytes(fixturePath(name))
            var failures = 0
            for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
                do {
                    _ = try ImageDecoder().decode(Array(bytes.prefix(length)))
                } catch is ImageError {
                    failures += 1
                }
            }
            XCTAssertGreaterThan(failures, 0, name)
        }
    }
}

/// Compressed data cut short but closed with an end-of-image marker: libjpeg
/// would fill the rest with gray and call it a warning; Focal calls it corrupt.
final class EarlyMarkerTests: XCTestCase {
    func testScanEndingAtAMarkerIsCorrupt() throws {
        let bytes = try readFileBytes(fixturePath("jpeg_baseline.jpg"))
        let cut = Array(bytes.prefix(bytes.count * 2 / 3)) + [0xFF, 0xD9]
        XCTAssertThrowsError(try ImageDecoder().decode(cut)) { error in
            XCTAssertEqual((error as? ImageError)?.kind, .corrupt, "\(error)")
        }
        // The intact file decodes.
        XCTAssertNoThrow(try ImageDecoder().decode(bytes))
    }
}
