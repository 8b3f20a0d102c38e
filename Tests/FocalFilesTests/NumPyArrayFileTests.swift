import FocalFiles
import FocalTestSupport
import Foundation
import XCTest

final class NumPyArrayFileTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws { folder = try temporaryFolder("files") }

    /// The bytes NumPy's format spec (version 1.0) prescribes, written out by hand.
    func testHeaderFollowsTheNpyFormat() throws {
        let path = folder + "/m.npy"
        let writer = try NumPyMatrixWriter(path: path, columns: 3)
        try writer.append(row: [1, 2, 3])
        try writer.append(row: [-0.5, 0, 1e-3])
        try writer.finish()
        let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        XCTAssertEqual(Array(bytes[0..<8]), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x01, 0x00])  // \x93NUMPY v1.0
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0, "data must start 64-byte aligned")
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header)
        XCTAssertEqual(header.last, "\n")
        XCTAssertEqual(bytes.count, 10 + headerLength + 6 * 4)
        // 1.0f little-endian is 00 00 80 3F; -0.5f is 00 00 00 BF.
        XCTAssertEqual(Array(bytes[(10 + headerLength)..<(14 + headerLength)]), [0x00, 0x00, 0x80, 0x3F])
        XCTAssertEqual(Array(bytes[(22 + headerLength)..<(26 + headerLength)]), [0x00, 0x00, 0x00, 0xBF])

        let read = try NumPyMatrix(path: path)
        XCTAssertEqual(read.rows, 2)
        XCTAssertEqual(read.columns, 3)
        XCTAssertEqual(read.values, [1, 2, 3, -0.5, 0, 1e-3])
    }

    func testUnfinishedWriterLeavesTheOldFileAndNoLitter() throws {
        let path = folder + "/m.npy"
        try AtomicFile.write("old contents", to: path)
        do {
            let writer = try NumPyMatrixWriter(path: path, columns: 2)
            try writer.append(row: [1, 2])
            // Dropped without finish(), as when a run is interrupted.
        }
        XCTAssertEqual(String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self), "old contents")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["m.npy"])
    }

    func testAtomicWriteReplacesWholeFile() throws {
        let path = folder + "/a.txt"
        try AtomicFile.write("first, longer text", to: path)
        try AtomicFile.write("second", to: path)
        XCTAssertEqual(String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self), "second")
    }

    func testAtomicWriteIntoMissingFolderFailsNamingTheFile() {
        XCTAssertThrowsError(try AtomicFile.write("x", to: folder + "/no/such/dir/a.txt")) { error in
            XCTAssertTrue("\(error)".hasPrefix(folder + "/no/such/dir/a.txt: "), "\(error)")
        }
    }

    func testReaderRejectsForeignAndTruncatedFiles() throws {
        let foreign = folder + "/f.npy"
        try AtomicFile.write("not numpy at all", to: foreign)
        XCTAssertThrowsError(try NumPyMatrix(path: foreign)) { XCTAssertTrue("\($0)".contains("not a .npy file")) }
        let path = folder + "/t.npy"
        let writer = try NumPyMatrixWriter(path: path, columns: 4)
        try writer.append(row: [1, 2, 3, 4])
        try writer.finish()
        let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        try AtomicFile.write(bytes.dropLast(3), to: path)
        XCTAssertThrowsError(try NumPyMatrix(path: path)) { XCTAssertTrue("\($0)".contains("shape needs 16"), "\($0)") }
    }
}

final class ImageFilesTests: XCTestCase {
    func testFoldersAreWalkedRecursivelyInSortedOrder() throws {
        let root = NSTemporaryDirectory() + "focal-walk-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        for name in ["b/z.PNG", "b/a.jpg", "a.jpeg", "notes.txt", ".hidden.jpg", "c/d/e.png"] {
            let path = root + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: path, contents: Data([1]))
        }
        let (files, missing) = ImageFiles.collect([root, root + "/notes.txt", root + "/nope.jpg"])
        XCTAssertEqual(files, [root + "/a.jpeg", root + "/b/a.jpg", root + "/b/z.PNG", root + "/c/d/e.png",
                               root + "/notes.txt"])
        XCTAssertEqual(missing.map(\.path), [root + "/nope.jpg"])
    }

    func testCSVQuoting() {
        XCTAssertEqual(csvField("plain/path.jpg"), "plain/path.jpg")
        XCTAssertEqual(csvField("a,b.jpg"), "\"a,b.jpg\"")
        XCTAssertEqual(csvField("say \"hi\".png"), "\"say \"\"hi\"\".png\"")
    }
}
