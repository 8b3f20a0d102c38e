import FocalImages
import FocalNumerics
import Foundation

/// One file's share of the work: the network inputs it gives (one for a whole
/// image, one per crop for its regions) and how to make them. A job decodes
/// its file once, however many inputs it gives.
public struct EmbeddingJob: Sendable {
    public var path: String
    /// How many network inputs the file gives.
    public var inputs: Int
    /// Decodes the file and writes its `inputs` normalised network images one
    /// after another from the pointer given.
    public var prepare: @Sendable (UnsafeMutablePointer<Float>) throws -> Void

    public init(path: String, inputs: Int, prepare: @escaping @Sendable (UnsafeMutablePointer<Float>) throws -> Void) {
        precondition(inputs >= 1, "a job gives at least one input")
        self.path = path
        self.inputs = inputs
        self.prepare = prepare
    }

    /// A whole image file, resized and centre-cropped as `preprocessing` does.
    public static func image(_ path: String, preprocessing: Preprocessing) -> EmbeddingJob {
        EmbeddingJob(path: path, inputs: 1) { input in
            Preprocessing.normalize(try preprocessing.networkImage(path: path), into: input)
        }
    }
}

/// Embeds image files in order, a batch at a time: decoding and resizing run
/// on all workers (a file each), then the batch goes through the network.
/// Memory depends on the batch size and the largest job (two input buffers of
/// the largest batch, about 0.6 MB per input), not on the number of files; a
/// file that cannot be read is handed back as its error and the rest carry on.
public final class Embedder {
    public let backbone: Backbone
    public let preprocessing: Preprocessing
    public let batchSize: Int
    let workspace: EfficientNetLite0.Workspace

    public init(backbone: Backbone, preprocessing: Preprocessing = Preprocessing(), batchSize: Int = 32) {
        self.backbone = backbone
        self.preprocessing = preprocessing
        self.batchSize = max(1, batchSize)
        workspace = EfficientNetLite0.Workspace()
    }

    /// One file's outcome.
    public struct Item {
        public var index: Int
        public var path: String
        public var result: Result<[Float], ImageError>
    }

    /// One job's outcome: its inputs' embeddings, in order, or why its file could not be used.
    public struct JobOutcome {
        public var index: Int
        public var path: String
        public var result: Result<[[Float]], ImageError>
    }

    /// Calls `handle` once per path, in order.
    public func embed(paths: [String], handle: (Item) throws -> Void) throws {
        try embed(jobs: paths.map { EmbeddingJob.image($0, preprocessing: preprocessing) }) { outcome in
            try handle(Item(index: outcome.index, path: outcome.path, result: outcome.result.map { $0[0] }))
        }
    }

    /// Calls `handle` once per job, in order. Jobs are batched so that a batch
    /// holds at most `batchSize` inputs (a job with more is a batch of its own),
    /// but at least one job per worker, so that every core decodes.
    ///
    /// Two input buffers alternate: while the network runs on one batch, the
    /// next batch is decoded into the other on a background queue, so decoding
    /// (all cores) and inference overlap instead of taking turns.
    public func embed(jobs: [EmbeddingJob], handle: (JobOutcome) throws -> Void) throws {
        let chunks = Self.batches(jobs.map(\.inputs), limit: batchSize, minimumJobs: backbone.network.workers)
        guard !chunks.isEmpty else { return }
        let pixels = Architecture.inputSize * Architecture.inputSize * 3
        let dims = EfficientNetLite0.embeddingSize
        let capacity = chunks.map { $0.reduce(0) { $0 + jobs[$1].inputs } }.max()!
        let buffers = (0..<2).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: capacity * pixels) }
        let outputs = UnsafeMutablePointer<Float>.allocate(capacity: capacity * dims)
        defer { buffers.forEach { $0.deallocate() }; outputs.deallocate() }

        let decoding = DispatchQueue(label: "focal.embedder.decode")
        var decoded: [[ImageError?]] = Array(repeating: [], count: chunks.count)
        func startDecoding(_ k: Int) -> DispatchWorkItem {
            let work = DispatchWorkItem { decoded[k] = Self.prepare(chunks[k].map { jobs[$0] }, into: buffers[k % 2], pixels: pixels) }
            decoding.async(execute: work)
            return work
        }
        var pending = startDecoding(0)
        for (k, chunk) in chunks.enumerated() {
            pending.wait()
            let inputs = buffers[k % 2]
            let errors = decoded[k]
            if k + 1 < chunks.count { pending = startDecoding(k + 1) }
            // Pack the readable jobs' inputs together for the network.
            var packed = 0, offset = 0
            for (slot, j) in chunk.enumerated() {
                let n = jobs[j].inputs
                if errors[slot] == nil {
                    if packed != offset { (inputs + packed * pixels).update(from: inputs + offset * pixels, count: n * pixels) }
                    packed += n
                }
                offset += n
            }
            if packed > 0 { backbone.network.embed(inputs, count: packed, into: outputs, workspace: workspace) }
            var next = 0
            for (slot, j) in chunk.enumerated() {
                let result: Result<[[Float]], ImageError>
                if let error = errors[slot] {
                    result = .failure(error)
                } else {
                    result = .success((0..<jobs[j].inputs).map { i in
                        Array(UnsafeBufferPointer(start: outputs + (next + i) * dims, count: dims))
                    })
                    next += jobs[j].inputs
                }
                do {
                    try handle(JobOutcome(index: j, path: jobs[j].path, result: result))
                } catch {
                    pending.wait()  // the next batch is being decoded into a buffer we are about to free
                    throw error
                }
            }
        }
    }

    /// Consecutive runs of job indices, each with at most `limit` inputs in
    /// all unless it has fewer than `minimumJobs` jobs (a file with many crops
    /// would otherwise be decoded on one core while the others wait).
    static func batches(_ inputs: [Int], limit: Int, minimumJobs: Int = 1) -> [[Int]] {
        var batches: [[Int]] = [], current: [Int] = [], total = 0
        for (j, n) in inputs.enumerated() {
            if current.count >= minimumJobs && total + n > limit {
                batches.append(current)
                current = []; total = 0
            }
            current.append(j); total += n
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// Runs `jobs` on all workers, each writing its inputs at its offset in
    /// `inputs`; returns each job's error, if any.
    private static func prepare(_ jobs: [EmbeddingJob], into inputs: UnsafeMutablePointer<Float>, pixels: Int) -> [ImageError?] {
        var offsets: [Int] = [], offset = 0
        for job in jobs { offsets.append(offset); offset += job.inputs }
        let errors = UnsafeMutableBufferPointer<ImageError?>.allocate(capacity: jobs.count)
        errors.initialize(repeating: nil)
        defer { errors.deallocate() }
        // One file per iteration, handed out as workers free up: photos vary
        // widely in decoding cost.
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            do {
                try jobs[i].prepare(inputs + offsets[i] * pixels)
            } catch let error as ImageError {
                errors[i] = error.path == nil ? error.at(jobs[i].path) : error
            } catch {
                errors[i] = ImageError(.unreadable, "\(error)", path: jobs[i].path)
            }
        }
        return Array(errors)
    }
}
