import Foundation

/// Debian's Chromium run headless on local files, as root in a container:
/// no sandbox, no GPU, no /dev/shm, a throwaway profile, a hard time limit.
public struct HeadlessChromium: Sendable {
    public var executable: String
    /// Wall-clock seconds one run may take before it is killed.
    public var timeout: TimeInterval = 60
    /// Virtual milliseconds the page gets to load and run its scripts.
    public var virtualTimeBudget = 5000

    public init(executable: String = "/usr/bin/chromium") {
        self.executable = executable
    }

    public var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    /// The DOM after load, serialized.
    public func dumpDOM(of page: String) throws -> String {
        let result = try run(["--dump-dom", Self.url(page)])
        guard result.stdout.contains("<html") else {
            throw BrowserError("chromium printed no DOM for \(page) (exit status \(result.status)); stderr ends:\n\(result.stderrTail)")
        }
        return result.stdout
    }

    /// A PNG of the page's first `width`×`height` pixels at `path`.
    public func screenshot(of page: String, to path: String, width: Int = 1280, height: Int = 2000) throws {
        try? FileManager.default.removeItem(atPath: path)
        let absolute = URL(fileURLWithPath: path).path
        let result = try run(["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(absolute)", Self.url(page)])
        let size = (try? FileManager.default.attributesOfItem(atPath: absolute)[.size] as? Int) ?? 0
        guard size > 0 else {
            throw BrowserError("chromium wrote no screenshot of \(page) to \(absolute) (exit status \(result.status)); stderr ends:\n\(result.stderrTail)")
        }
    }

    static func url(_ page: String) -> String { URL(fileURLWithPath: page).absoluteString }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stderrTail: String { stderr.split(separator: "\n").suffix(8).joined(separator: "\n") }
    }

    /// Runs chromium with `arguments` after the fixed flags; output goes to files
    /// (not pipes), so renderer processes that outlive the browser cannot hang the read.
    func run(_ arguments: [String]) throws -> Result {
        guard isInstalled else { throw BrowserError("\(executable) is not installed (Debian package: chromium)") }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("focal-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("stdout"), err = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--mute-audio",
            "--user-data-dir=\(scratch.appendingPathComponent("profile").path)",
            "--virtual-time-budget=\(virtualTimeBudget)",
        ] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
            throw BrowserError("chromium took more than \(Int(timeout)) s on \(arguments.last ?? "") and was killed")
        }
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}

public struct BrowserError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
