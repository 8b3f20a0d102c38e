import FocalBackbone
import FocalImages
import Foundation

/// Embeddings of image files through the store: each file is hashed, found in
/// the store or embedded (and stored batch by batch), and handed back in the
/// order asked. This is how every command gets its features.
public final class Featurizer {
    public let backbone: Backbone
    public let preprocessing: Preprocessing
    public let store: EmbeddingStore?
    public let batchSize: Int

    /// What the store keys embeddings by: the backbone and the preprocessing mode.
    public var storeKey: String { backbone.identity + preprocessing.storeKeySuffix }

    public init(backbone: Backbone, preprocessing: Preprocessing = Preprocessing(), store: EmbeddingStore?, batchSize: Int = 32) {
        self.backbone = backbone
        self.preprocessing = preprocessing
        self.store = store
        self.batchSize = batchSize
    }

    public struct Result {
        /// One entry per path asked: the embedding, or why the file could not be used.
        public var embeddings: [Swift.Result<[Float], ImageError>]
        /// Content hash per readable path.
        public var hashes: [String: String]
        /// How many were computed now rather than found in the store.
        public var computed: Int
    }

    /// Each file's SHA-256 (all cores), or why it cannot be read.
    public static func hashes(paths: [String]) -> [Swift.Result<String, ImageError>] {
        var hashOutcomes = [Swift.Result<String, ImageError>](repeating: .failure(ImageError(.unreadable, "")), count: paths.count)
        hashOutcomes.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: paths.count) { i in
                do { out[i] = .success(try ContentHash.sha256(path: paths[i])) } catch let error as ImageError {
                    out[i] = .failure(error)
                } catch { out[i] = .failure(ImageError(.unreadable, "\(error)", path: paths[i])) }
            }
        }
        return hashOutcomes
    }

    /// `progress(done, total)` is called as files are hashed and embedded.
    /// `hashes`, when the caller has them already (`hashes(paths:)` of the same
    /// paths, in order), spare reading every file a second time.
    public func embed(paths: [String], hashes known: [Swift.Result<String, ImageError>]? = nil,
                      progress: ((Int, Int) -> Void)? = nil) throws -> Result {
        precondition(known == nil || known!.count == paths.count, "one hash per path")
        // 1. Hash every file: the cache key, and the readable check.
        let hashOutcomes = known ?? Self.hashes(paths: paths)
        var hashes: [String: String] = [:]
        for (i, outcome) in hashOutcomes.enumerated() { if case .success(let h) = outcome { hashes[paths[i]] = h } }

        // 2. What the store already has.
        let lookup = try lookUp(paths.map { hashes[$0] })
        progress?(lookup.found, paths.count)

        // 3. Embed the rest, a batch at a time, storing each batch as it completes.
        let missing = lookup.missing.map { paths[$0] }
        let computation = try compute(missing.map { EmbeddingJob.image($0, preprocessing: preprocessing) },
                                      keys: missing.map { [hashes[$0]!] }, total: paths.count, done: lookup.found, progress: progress)
        let vectors = lookup.vectors.merging(computation.vectors) { _, new in new }
        let failures = computation.failures
        let embeddings = paths.indices.map { i -> Swift.Result<[Float], ImageError> in
            switch hashOutcomes[i] {
            case .failure(let error): return .failure(error)
            case .success(let h):
                if let v = vectors[h] { return .success(v) }
                // Same content as a file that failed to decode.
                let reason = failures.first { hashes[$0.key] == h }?.value.reason ?? "could not be embedded"
                return .failure(failures[paths[i]] ?? ImageError(.corrupt, reason, path: paths[i]))
            }
        }
        return Result(embeddings: embeddings, hashes: hashes, computed: computation.computed)
    }

    /// What `compute` made: the vectors by store key, and why files failed, by path.
    struct Computation {
        var vectors: [String: [Float]] = [:]
        var failures: [String: ImageError] = [:]
        var computed = 0
    }

    /// Runs `jobs` through the network (one `keys` entry per job: the store
    /// key of each of its inputs), storing the vectors batch by batch as they
    /// complete, so an interrupted run keeps what it computed: the last step
    /// of embedding whole images and crops alike. `done` of `total` items were
    /// found in the store; `progress` counts on from there.
    func compute(_ jobs: [EmbeddingJob], keys: [[String]], total: Int, done: Int,
                 progress: ((Int, Int) -> Void)?) throws -> Computation {
        precondition(keys.count == jobs.count && zip(keys, jobs).allSatisfy { $0.count == $1.inputs }, "one key per input")
        var computation = Computation(), done = done
        var batch: [(hash: String, vector: [Float])] = []
        let embedder = Embedder(backbone: backbone, preprocessing: preprocessing, batchSize: batchSize)
        try embedder.embed(jobs: jobs) { outcome in
            switch outcome.result {
            case .success(let made):
                for (key, vector) in zip(keys[outcome.index], made) {
                    computation.vectors[key] = vector
                    batch.append((key, vector))
                }
                computation.computed += made.count
            case .failure(let error):
                computation.failures[outcome.path] = error
            }
            done += keys[outcome.index].count
            if batch.count >= batchSize || outcome.index == jobs.count - 1 {
                try store?.store(batch, backbone: storeKey)
                batch.removeAll(keepingCapacity: true)
                progress?(done, total)
            }
        }
        return computation
    }

    /// What the store holds for a list of items, and which are left to compute:
    /// the first step of embedding whole images and crops alike.
    struct StoreLookup {
        /// The vectors found, by store key.
        var vectors: [String: [Float]]
        /// How many items (not keys) were found.
        var found: Int
        /// The items to compute, in order: the first with each key not found.
        var missing: [Int]
    }

    /// Looks up `keys` (one per item; nil for an item that cannot be read).
    func lookUp(_ keys: [String?]) throws -> StoreLookup {
        let vectors = try store?.embeddings(for: Array(Set(keys.compactMap { $0 })), backbone: storeKey) ?? [:]
        let found = keys.filter { $0.map { vectors[$0] != nil } ?? false }.count
        var missing: [Int] = [], queued = Set<String>()
        for (i, key) in keys.enumerated() {
            if let key, vectors[key] == nil, queued.insert(key).inserted { missing.append(i) }
        }
        return StoreLookup(vectors: vectors, found: found, missing: missing)
    }
}
