import ArgumentParser
import FocalBackbone
import FocalDatasets
import FocalFiles
import FocalImages
import Foundation

/// `focal embed`: 1280-d embeddings of images, as a NumPy matrix and a CSV of paths.
struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Embed images into 1280-d feature vectors (a .npy matrix plus a .csv of paths).",
        discussion: """
            Folders are searched recursively for .jpg, .jpeg and .png files, in sorted order. \
            Row i of FILE.npy (float32, images × 1280) belongs to row i of FILE.csv (header 'image'). \
            A file that cannot be read is reported on stderr and skipped; the command fails only \
            if no image could be read.
            """)

    @Argument(help: "Images or folders.")
    var paths: [String]

    @Option(help: "The .npy file to write; the .csv of paths goes beside it.")
    var out: String

    @Flag(help: "Print a JSON summary on stdout: out, csv, images, dimensions, skipped.")
    var json = false

    @Option(help: ArgumentHelp("Embed only share K of N (0 ≤ K < N), chosen by content hash: N runs, on N machines if need be, share the images between them. auto/N takes K from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array). Give each its own --store; `focal store merge` combines them.", valueName: "K/N"))
    var shard: String?

    @OptionGroup var backboneOptions: BackboneOptions

    func validate() throws {
        guard out.hasSuffix(".npy") else { throw ValidationError("--out must name a .npy file") }
    }

    /// The images of `shard` among `files`, each with its hash so that the
    /// embedding does not read it again (without --shard: every image, hashed
    /// as it is embedded). Files that cannot be read are reported by every shard.
    static func share(of files: [String], shard: Shard?) -> (paths: [String], hashes: [Result<String, ImageError>]?) {
        guard let shard else { return (files, nil) }
        let chosen = zip(files, Featurizer.hashes(paths: files)).filter { _, hash in
            if case .success(let h) = hash { return shard.contains(hash: h) }
            return true
        }
        return (chosen.map(\.0), chosen.map(\.1))
    }

    var csvPath: String { String(out.dropLast(4)) + ".csv" }

    static let slice = 1024

    func run() throws {
        let (listed, missing) = ImageFiles.collect(paths)
        let chosenShard = try shard.map { try Shard(parsing: $0, environment: ProcessInfo.processInfo.environment) }
        let (files, hashes) = Self.share(of: listed, shard: chosenShard)
        var skipped: [(path: String, reason: String)] = missing.map { ($0.path, $0.reason) }
        missing.forEach { warn($0.description) }
        guard !listed.isEmpty else {
            warn("focal embed: no images found in \(paths.joined(separator: " "))")
            throw ExitCode(1)
        }
        let featurizer = try backboneOptions.featurizer()
        let backbone = featurizer.backbone
        let matrix = try NumPyMatrixWriter(path: out, columns: EfficientNetLite0.embeddingSize)
        let csv = try AtomicFile.Writer(path: csvPath)
        try csv.write(Array("image\n".utf8))
        let progress = Progress("embedding", total: files.count)
        var computed = 0
        // A slice at a time through the cache, so memory stays flat whatever the count.
        for start in stride(from: 0, to: files.count, by: Self.slice) {
            let slice = Array(files[start..<min(files.count, start + Self.slice)])
            let known = hashes.map { Array($0[start..<min(files.count, start + Self.slice)]) }
            let result = try featurizer.embed(paths: slice, hashes: known) { done, _ in progress.set(start + done) }
            computed += result.computed
            for (path, outcome) in zip(slice, result.embeddings) {
                switch outcome {
                case .failure(let error):
                    progress.clear()
                    warn(error.description)
                    skipped.append((path, error.reason))
                case .success(let embedding):
                    try matrix.append(row: embedding)
                    try csv.write(Array((csvField(path) + "\n").utf8))
                }
            }
        }
        progress.finish()
        // A shard may hold no readable image (a small collection, or only bad files): its empty share is done.
        guard matrix.rows > 0 || chosenShard != nil else {
            warn("focal embed: none of the \(files.count) files could be read; nothing written")
            throw ExitCode(1)
        }
        try matrix.finish()
        try csv.commit()
        if json {
            print(try jsonLine([
                "out": out, "csv": csvPath, "images": matrix.rows, "dimensions": matrix.columns,
                "backbone": backbone.identity, "computed": computed, "cached": matrix.rows - computed,
                "skipped": skipped.map { ["image": $0.path, "error": $0.reason] },
                "shard": chosenShard.map { ["index": $0.index, "count": $0.count, "listed": listed.count] as Any } ?? NSNull(),
            ] as [String: Any]))
        } else {
            var summary = "wrote \(matrix.rows) embeddings to \(out) and their paths to \(csvPath)"
            if let chosenShard { summary += " (shard \(chosenShard) of \(listed.count) images)" }
            if !skipped.isEmpty { summary += "; skipped \(skipped.count) unreadable file\(skipped.count == 1 ? "" : "s")" }
            print(summary)
        }
    }
}
