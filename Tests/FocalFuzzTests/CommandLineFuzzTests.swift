import FocalFiles
import FocalNumerics
import FocalTraining
import Foundation
import XCTest

/// Mutated files through the `focal` executable itself, as a user would hand
/// them over: whatever the input, the command ends with an exit code below 128
/// (an error or success, never a signal), and a failure says what is wrong in
/// words on standard error.
final class CommandLineFuzzTests: XCTestCase {
    static let runs = Int(ProcessInfo.processInfo.environment["FOCAL_FUZZ_COMMAND_RUNS"] ?? "") ?? 12
    let folder = NSTemporaryDirectory() + "focal-fuzz-cli-\(UUID().uuidString)"

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    struct Run { var status: Int32; var signalled: Bool; var stderr: String }

    func focal(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("focal")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["FOCAL_STORE"] = folder + "/store.sqlite"
        process.environment = environment
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Writes `runs` mutations of `seed` to `path` in turn and runs `arguments` on each.
    func sweep(_ name: String, seed: [UInt8], path: String, salt: UInt64, arguments: [String]) throws {
        // The seed itself works: the mutations start from an accepted input.
        FileManager.default.createFile(atPath: path, contents: Data(seed))
        let first = try focal(arguments)
        XCTAssertEqual(first.status, 0, "\(name): the unmutated input fails: \(first.stderr)")
        var mutator = Mutator(seed: FuzzTests.baseSeed &+ salt)
        var failures = 0
        for _ in 0..<Self.runs {
            let input = mutator.mutate(seed, others: [seed])
            FileManager.default.createFile(atPath: path, contents: Data(input))
            let run = try focal(arguments)
            XCTAssertFalse(run.signalled, "\(name): killed by signal \(run.status); input kept in \(path)")
            XCTAssertLessThan(run.status, 128, "\(name): exit \(run.status)")
            if run.signalled || run.status >= 128 {
                try? FileManager.default.copyItem(atPath: path, toPath: NSTemporaryDirectory() + "focal-fuzz-crash-\(name)")
                return
            }
            if run.status != 0 {
                failures += 1
                XCTAssertFalse(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(name): failed without a word")
            }
        }
        print("fuzz command line \(name): \(Self.runs) runs, \(failures) refused with a message, none killed by a signal")
    }

    static let repo = FuzzTests.root.path

    func testMutatedModelsThroughPredict() throws {
        var random = SplitMix64(seed: 9)
        let x = FeatureMatrix(rows: 40, columns: 1280, values: (0..<(40 * 1280)).map { _ in Float.random(in: -1...1, using: &random) })
        let labels = LabelMatrix((0..<40).map { [$0 % 2 == 0 ? ConceptLabel.positive : .negative] })
        let seedPath = folder + "/seed.focal"
        try LogisticHead(c: 1).fit(x, labels, concepts: ["cup"]).write(to: seedPath)
        let model = folder + "/model.focal"
        try sweep("predict", seed: [UInt8](FileManager.default.contents(atPath: seedPath)!), path: model, salt: 11,
                  arguments: ["predict", "--model", model, Self.repo + "/datasets/photos/cup.jpg"])
    }

    func testMutatedManifestsThroughTrain() throws {
        let manifest = folder + "/manifest.csv"
        // The first 40 rows of the shipped wedding manifest, their images named by absolute paths.
        let wedding = Self.repo + "/datasets/wedding"
        let rows = try String(contentsOfFile: wedding + "/manifest.csv", encoding: .utf8).split(separator: "\n").prefix(41)
        let seed = Array(([rows[0]] + rows.dropFirst().map { wedding + "/" + $0 }).joined(separator: "\n").utf8)
        try sweep("train", seed: seed, path: manifest, salt: 12, arguments: ["train", manifest, "--out", folder + "/m.focal"])
    }

    func testMutatedImagesThroughEmbed() throws {
        let image = folder + "/images/photo.jpg"
        try FileManager.default.createDirectory(atPath: folder + "/images", withIntermediateDirectories: true)
        let seed = [UInt8](FileManager.default.contents(atPath: Self.repo + "/datasets/wedding/images/test/000000.jpg")!)
        try sweep("embed", seed: seed, path: image, salt: 13, arguments: ["embed", folder + "/images", "--out", folder + "/x.npy"])
    }

    func testMutatedFeaturesThroughTrain() throws {
        let features = folder + "/x.npy", labels = folder + "/labels.csv"
        let writer = try NumPyMatrixWriter(path: folder + "/seed.npy", columns: 3)
        for r in 0..<40 { try writer.append(row: [Float(r % 2) + Float(r) / 40, 1, -1]) }
        try writer.finish()
        try ("positives,negatives\n" + String(repeating: "a,\n,a\n", count: 20)).write(toFile: labels, atomically: true, encoding: .utf8)
        try sweep("train --features", seed: [UInt8](FileManager.default.contents(atPath: folder + "/seed.npy")!), path: features,
                  salt: 14, arguments: ["train", "--features", features, "--labels", labels, "--out", folder + "/f.focal"])
    }
}
