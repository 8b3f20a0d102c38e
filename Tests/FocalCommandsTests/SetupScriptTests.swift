import FocalTestSupport
import Foundation
import XCTest

/// `scripts/setup`, the one list of native packages that the README's two
/// commands and CI install, run against stand-ins for dpkg-query, apt-get, id
/// and sudo (the only programs it calls), so that what it would install on a
/// fresh machine is seen without installing anything.
final class SetupScriptTests: XCTestCase {
    static let script = Repository.root.appendingPathComponent("scripts/setup").path
    let stubs = NSTemporaryDirectory() + "focal-setup-\(UUID().uuidString)"
    var log: String { stubs + "/calls.log" }

    struct Outcome { var status: Int32; var stderr: String; var calls: [String] }

    /// Runs the script with only the stand-ins on PATH.
    /// - Parameters:
    ///   - installed: the packages dpkg-query reports as installed.
    ///   - uid: what `id -u` prints.
    ///   - sudo: whether a `sudo` exists.
    ///   - dpkg: whether a `dpkg-query` exists (false: not a Debian system).
    func setup(_ arguments: [String] = [], installed: [String], uid: Int = 0, sudo: Bool = false, dpkg: Bool = true) throws -> Outcome {
        try FileManager.default.createDirectory(atPath: stubs, withIntermediateDirectories: true)
        func stub(_ name: String, _ body: String) throws {
            let path = stubs + "/" + name
            try ("#!/bin/bash\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        for name in ["dpkg-query", "apt-get", "id", "sudo"] { try? FileManager.default.removeItem(atPath: stubs + "/" + name) }
        if dpkg {
            // dpkg-query -W -f='${Status}' NAME
            try stub("dpkg-query", """
                installed=" \(installed.joined(separator: " ")) "
                name="${@: -1}"
                if [[ "$installed" == *" $name "* ]]; then printf 'install ok installed'; exit 0; fi
                echo "dpkg-query: no packages found matching $name" >&2; exit 1
                """)
        }
        try stub("apt-get", "echo \"apt-get $* (DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-})\" >> \(log)")
        try stub("id", "echo \(uid)")
        if sudo {
            try stub("sudo", """
                echo "sudo" >> \(log)
                while [[ "$1" == *=* ]]; do export "$1"; shift; done
                exec "$@"
                """)
        }
        try? FileManager.default.removeItem(atPath: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script] + arguments
        process.environment = ["PATH": stubs]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let calls = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        return Outcome(status: process.terminationStatus, stderr: stderr, calls: calls)
    }

    static let build = ["pkg-config", "libopenblas-dev", "libjpeg-dev", "libpng-dev", "libsqlite3-dev"]
    static let forTests = ["chromium", "fonts-dejavu-core"]

    func testAMachineWithEverythingInstallsNothing() throws {
        let run = try setup(["--tests"], installed: Self.build + Self.forTests)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.calls, [])
        XCTAssertEqual(run.stderr, "")
    }

    func testAFreshMachineAsRootInstallsWhatIsMissing() throws {
        let run = try setup(["--tests"], installed: ["pkg-config", "libjpeg-dev", "libpng-dev", "fonts-dejavu-core"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.calls, [
            "apt-get update -qq (DEBIAN_FRONTEND=noninteractive)",
            "apt-get install -y -qq --no-install-recommends libopenblas-dev libsqlite3-dev chromium (DEBIAN_FRONTEND=noninteractive)",
        ])
        XCTAssertTrue(run.stderr.contains("installing libopenblas-dev libsqlite3-dev chromium"), run.stderr)
    }

    /// The main job's command does not ask for the report tests' browser.
    func testWithoutTestsTheBrowserIsNotWanted() throws {
        let run = try setup(installed: Self.build)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.calls, [])
        let fresh = try setup(installed: [])
        XCTAssertEqual(fresh.calls.last, "apt-get install -y -qq --no-install-recommends " + Self.build.joined(separator: " ")
                       + " (DEBIAN_FRONTEND=noninteractive)")
    }

    func testAUserWithSudoInstallsThroughIt() throws {
        let run = try setup(installed: ["pkg-config", "libopenblas-dev", "libjpeg-dev", "libpng-dev"], uid: 1000, sudo: true)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.calls, [
            "sudo", "apt-get update -qq (DEBIAN_FRONTEND=noninteractive)",
            "sudo", "apt-get install -y -qq --no-install-recommends libsqlite3-dev (DEBIAN_FRONTEND=noninteractive)",
        ])
    }

    func testAUserWithoutSudoIsToldWhatToRun() throws {
        let run = try setup(["--tests"], installed: Self.build + ["fonts-dejavu-core"], uid: 1000, sudo: false)
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.calls, [])
        XCTAssertEqual(run.stderr, "scripts/setup: Focal needs these Debian packages: chromium; as root run: apt-get update && apt-get install -y chromium\n")
    }

    func testAnotherSystemIsToldWhatToInstallAndTheBuildGoesOn() throws {
        let run = try setup(installed: [], dpkg: false)
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.calls, [])
        XCTAssertTrue(run.stderr.contains("not a Debian-like system") && run.stderr.contains("libopenblas-dev"), run.stderr)
    }

    func testAnUnknownOptionIsRefused() throws {
        let run = try setup(["--all"], installed: [])
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.calls, [])
    }
}
