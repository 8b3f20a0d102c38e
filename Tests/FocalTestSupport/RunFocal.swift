import Foundation

/// What a run of the `focal` executable printed and returned.
public struct FocalRun {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs the built `focal` (beside the test bundle), as a person or a script
/// would, with its embedding cache at `store` when given.
public func runFocal(_ arguments: [String], store: String? = nil, in directory: String? = nil) throws -> FocalRun {
    let process = Process()
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("focal")
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    if let store { environment["FOCAL_STORE"] = store }
    process.environment = environment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read stderr on another thread: a child that fills one pipe while we wait on the other would hang.
    var stderr = Data()
    let reader = Thread { stderr = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    return FocalRun(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                    stderr: String(decoding: stderr, as: UTF8.self))
}

/// A JSON object as a script reads `--json` output.
public func jsonObject(_ text: String) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
        throw CocoaError(.coderReadCorrupt)
    }
    return object
}
