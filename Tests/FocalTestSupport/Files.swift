import Foundation
import XCTest

/// The repository the tests run in, found from this file's place in it, for
/// the shipped datasets and models they read.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `datasets/NAME`, a folder shipped with Focal.
    public static func dataset(_ name: String) -> String {
        root.appendingPathComponent("datasets").appendingPathComponent(name).path
    }
}

/// The SHA-256 of a file's bytes as `sha256sum` prints it (64 hex digits): an
/// answer computed outside Focal, to check the digests Focal records.
public func sha256sum(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: output, as: UTF8.self).prefix(64))
}

extension XCTestCase {
    /// A fresh folder in the temporary directory, removed when the test ends
    /// (whether it passes or not): for a test's scratch files.
    public func temporaryFolder(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "focal-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}
