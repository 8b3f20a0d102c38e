import FocalBackbone
import FocalDatasets
import FocalFiles
import FocalImages
import FocalNumerics
import FocalTestSupport
import FocalTraining
import Foundation
import XCTest

/// Every reader of outside bytes fed seeded mutations of real inputs (the test
/// fixtures and shipped manifests): it must return or throw a one-line error,
/// never trap, crash or hang. A crash kills the test process and leaves the
/// input that caused it in $TMPDIR/focal-fuzz-crash.bin.
///
/// Each target runs `FOCAL_FUZZ_SECONDS` seconds (default 6: about 50 s for
/// the eight); `FOCAL_FUZZ_SEED` changes the mutations (README, "Fuzzing").
final class FuzzTests: XCTestCase {
    static let root = Repository.root
    static let seconds = Double(ProcessInfo.processInfo.environment["FOCAL_FUZZ_SECONDS"] ?? "") ?? 6
    static let baseSeed = UInt64(ProcessInfo.processInfo.environment["FOCAL_FUZZ_SEED"] ?? "") ?? 2026
    static let folder: String = {
        let path = NSTemporaryDirectory() + "focal-fuzz-\(getpid())"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    override class func setUp() { CrashRecorder.install() }

    struct Outcome { var executions = 0, rejected = 0, seeds = 0 }

    /// Runs `body` on each seed, then on mutations of them until the time is up.
    /// A thrown error must read as one non-empty line.
    func fuzz(_ name: String, seeds: [[UInt8]], salt: UInt64, fixUp: ((inout [UInt8], inout Mutator) -> Void)? = nil,
              _ body: ([UInt8]) throws -> Void) -> Outcome {
        XCTAssertFalse(seeds.isEmpty, "\(name): no seeds")
        var mutator = Mutator(seed: Self.baseSeed &+ salt)
        var outcome = Outcome(seeds: seeds.count)
        var badMessages: [String] = []
        func run(_ input: [UInt8]) {
            CrashRecorder.record(input)
            outcome.executions += 1
            do { try body(input) } catch {
                outcome.rejected += 1
                let text = "\(error)"
                if (text.isEmpty || text.contains("\n")) && badMessages.count < 3 { badMessages.append(text) }
            }
        }
        seeds.forEach(run)
        let start = Date()
        while Date().timeIntervalSince(start) < Self.seconds {
            for _ in 0..<16 {
                var input = mutator.mutate(seeds[mutator.below(seeds.count)], others: seeds)
                fixUp?(&input, &mutator)
                run(input)
            }
        }
        print("fuzz \(name): \(outcome.executions) executions in \(Self.seconds) s, \(outcome.rejected) rejected with an error, "
              + "0 crashes (\(outcome.seeds) seeds)")
        XCTAssertGreaterThan(outcome.executions, outcome.seeds, name)
        XCTAssertEqual(badMessages, [], "\(name): errors must read as one line")
        return outcome
    }

    static func files(in folder: String, extensions: Set<String>, under size: Int = 16_384) -> [[UInt8]] {
        let path = root.appendingPathComponent(folder).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.compactMap {
            guard let data = FileManager.default.contents(atPath: path + "/" + $0), data.count <= size else { return nil }
            return [UInt8](data)
        }
    }

    /// Writes `bytes` where a path-taking reader finds them.
    func file(_ name: String, _ bytes: [UInt8]) -> String {
        let path = Self.folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func testJPEGDecoder() {
        let seeds = Self.files(in: "Tests/FocalImagesTests/Fixtures", extensions: ["jpg"])
        let decoder = ImageDecoder()
        let outcome = fuzz("jpeg", seeds: seeds, salt: 1) { bytes in
            _ = try decoder.size(of: bytes)
            _ = try decoder.decode(bytes)
        }
        // Most mutations of a JPEG still decode (libjpeg recovers from damaged entropy data).
        XCTAssertLessThan(outcome.rejected, outcome.executions)
    }

    /// CRC-32 (ISO 3309), as PNG chunks carry it.
    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// Recomputes every whole chunk's CRC, so that a mutation reaches the
    /// decoder behind libpng's checksum test (left as it is half the time).
    static func fixChunkCRCs(_ bytes: inout [UInt8], _ mutator: inout Mutator) {
        guard mutator.below(2) == 0 else { return }
        var at = 8
        while at + 12 <= bytes.count {
            let length = bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard length <= bytes.count - at - 12 else { return }
            var crc: UInt32 = 0xFFFF_FFFF
            for b in bytes[(at + 4)..<(at + 8 + length)] { crc = crcTable[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
            crc ^= 0xFFFF_FFFF
            for k in 0..<4 { bytes[at + 8 + length + k] = UInt8((crc >> (24 - 8 * UInt32(k))) & 0xFF) }
            at += 12 + length
        }
    }

    func testPNGDecoder() {
        let seeds = Self.files(in: "Tests/FocalImagesTests/Fixtures", extensions: ["png"])
        let decoder = ImageDecoder()
        _ = fuzz("png", seeds: seeds, salt: 2, fixUp: Self.fixChunkCRCs) { bytes in
            _ = try decoder.size(of: bytes)
            _ = try decoder.decode(bytes)
        }
    }

    static func manifestSeeds() -> [[UInt8]] {
        let shipped = ["wedding", "apples", "pints"].compactMap { name -> [UInt8]? in
            guard let text = try? String(contentsOf: root.appendingPathComponent("datasets/\(name)/manifest.csv"), encoding: .utf8) else { return nil }
            return Array(text.split(separator: "\n", omittingEmptySubsequences: false).prefix(12).joined(separator: "\n").utf8)
        }
        return shipped + [Array("""
            image,positives,negatives,split,regions
            "a,b.jpg","x|y",z,train,"x@1,2,3,4|y@0,0,10,10"
            b.png,,x|y,test,
            c.png,x,,,
            """.utf8)]
    }

    func testCSVManifest() {
        _ = fuzz("csv manifest", seeds: Self.manifestSeeds(), salt: 3) { bytes in
            let dataset = try Dataset.open(file("manifest.csv", bytes), checkImages: false)
            _ = dataset.samples.map { ($0.positives, $0.regions.map { [$0.x, $0.y, $0.width, $0.height] }) }
        }
    }

    func testJSONLinesManifest() {
        let seeds = [Array("""
            {"image": "img/a.png", "positives": ["bouquet", "veil"], "negatives": ["greenery"], "split": "train", "regions": [{"concept": "veil", "box": [1, 2, 30, 40]}]}
            {"image": "img/b.png", "positives": [], "negatives": "bouquet", "split": "test", "regions": []}
            {"image": "c.jpg", "positives": "x|y", "split": "pool", "context": "wedding"}
            """.utf8)]
        _ = fuzz("jsonl manifest", seeds: seeds, salt: 4) { bytes in
            let dataset = try Dataset.open(file("manifest.jsonl", bytes), checkImages: false)
            _ = dataset.samples.map { ($0.positives, $0.regions.map { [$0.x, $0.y, $0.width, $0.height] }) }
        }
    }

    func testModelReader() throws {
        // A real model: three concepts fitted on eight-feature data, as `focal train` writes it.
        var random = SplitMix64(seed: 5)
        let x = FeatureMatrix(rows: 60, columns: 8, values: (0..<480).map { _ in Float.random(in: -1...1, using: &random) })
        let labels = LabelMatrix((0..<60).map { i in (0..<3).map { c in (i + c) % 3 == 0 ? ConceptLabel.positive : .negative } })
        let model = try LogisticHead(c: 1).fit(x, labels, concepts: ["a", "b/c", "d"])
        let path = Self.folder + "/seed.focal"
        try model.write(to: path)
        let seed = [UInt8](FileManager.default.contents(atPath: path)!)
        _ = fuzz("model", seeds: [seed], salt: 5) { bytes in
            let read = try HeadModel.read(from: file("model.focal", bytes))
            // A model that reads must score: every array fits the concepts and features.
            _ = read.predictProbabilities(FeatureMatrix(rows: 1, columns: read.featureCount,
                                                        values: [Float](repeating: 0.5, count: read.featureCount)))
        }
    }

    func testNumPyReader() throws {
        let path = Self.folder + "/seed.npy"
        let writer = try NumPyMatrixWriter(path: path, columns: 4)
        for r in 0..<3 { try writer.append(row: (0..<4).map { Float(r * 4 + $0) }) }
        try writer.finish()
        let v1 = [UInt8](FileManager.default.contents(atPath: path)!)
        // The same matrix in format 2.0: a four-byte header length, the same header and data.
        let headerLength = Int(v1[8]) | Int(v1[9]) << 8
        let header = Array(v1[10..<(10 + headerLength)]), data = Array(v1[(10 + headerLength)...])
        let v2 = [0x93] + Array("NUMPY".utf8) + [2, 0] + [UInt8(headerLength & 0xFF), UInt8(headerLength >> 8), 0, 0] + header + data
        XCTAssertEqual(try NumPyMatrix(path: file("v2.npy", v2)).values, try NumPyMatrix(path: path).values, "the version-2 seed reads")
        _ = fuzz("npy", seeds: [v1, v2], salt: 6) { bytes in
            let m = try NumPyMatrix(path: file("features.npy", bytes))
            XCTAssertEqual(m.values.count, m.rows * m.columns)
        }
    }

    func testSafeTensorsReader() {
        func safetensors(_ header: String, data: [UInt8]) -> [UInt8] {
            let h = Array(header.utf8)
            return (0..<8).map { UInt8((h.count >> (8 * $0)) & 0xFF) } + h + data
        }
        let seeds = [
            safetensors(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]},"__metadata__":{"format":"pt"}}"#,
                        data: (0..<24).map { UInt8($0) }),
            // A shape whose byte count overflows 64 bits: an error, not a trap.
            safetensors(#"{"h":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
            safetensors(#"{"x":{"dtype":"F16","shape":[3],"data_offsets":[0,6]}}"#, data: [0, 60, 0, 64, 0, 66]),
        ]
        _ = fuzz("safetensors", seeds: seeds, salt: 7) { bytes in
            let file = try SafeTensors(data: Data(bytes))
            for (name, entry) in file.entries { _ = try? file.floats(name, shape: entry.shape) }
        }
    }

    func testTaxonomyReader() {
        // The three shipped taxonomies and one with every field, a hierarchy and exclusions.
        let seeds = ["wedding", "apples", "pints"].compactMap {
            FileManager.default.contents(atPath: Self.root.appendingPathComponent("datasets/\($0)/taxonomy.yaml").path).map { [UInt8]($0) }
        } + [Array("concepts:\n  drink:\n    description: Something to drink.\n  beer:\n    description: >-\n      Beer,\n      in a glass.\n    parent: drink\n    synonyms: [ale, 'lager']\n  water:\n    description: \"Water.\"\n    parent: drink\n    excludes: beer\n".utf8)]
        _ = fuzz("taxonomy", seeds: seeds, salt: 8) { bytes in
            let t = try Taxonomy.read(file("taxonomy.yaml", bytes))
            for c in t.concepts { _ = (t.ancestors(of: c.name), t.descendants(of: c.name), t.suggestion(for: c.name + "x")) }
        }
    }
}
