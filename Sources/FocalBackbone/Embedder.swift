import FocalImages
import FocalNumerics
import Foundation

/// Embeds image files in order, a batch at a time: decoding and resizing run
/// on all workers, then the batch goes through the network. Memory stays
/// constant whatever the number of files; a file that cannot be read is
/// handed back as its error and the rest carry on.
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

    /// Calls `handle` once per path, in order.
    ///
    /// Two input buffers alternate: while the network runs on one batch, the
    /// next batch is decoded into the other on a background queue, so decoding
    /// (all cores) and inference overlap instead of taking turns.
    public func embed(paths: [String], handle: (Item) throws -> Void) throws {
        let pixels = Architecture.inputSize * Architecture.inputSize * 3
        let dims = EfficientNetLite0.embeddingSize
        let buffers = (0..<2).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: batchSize * pixels) }
        let outputs = UnsafeMutablePointer<Float>.allocate(capacity: batchSize * dims)
        defer { buffers.forEach { $0.deallocate() }; outputs.deallocate() }
        let chunks = stride(from: 0, to: paths.count, by: batchSize).map { Array(paths[$0..<min(paths.count, $0 + batchSize)]) }
        guard !chunks.isEmpty else { return }

        let decoding = DispatchQueue(label: "focal.embedder.decode")
        var decoded: [[ImageError?]] = Array(repeating: [], count: chunks.count)
        func startDecoding(_ k: Int) -> DispatchWorkItem {
            let work = DispatchWorkItem { decoded[k] = self.decode(chunks[k], into: buffers[k % 2]) }
            decoding.async(execute: work)
            return work
        }
        var pending = startDecoding(0)
        var start = 0
        for (k, chunk) in chunks.enumerated() {
            pending.wait()
            let inputs = buffers[k % 2]
            let errors = decoded[k]
            if k + 1 < chunks.count { pending = startDecoding(k + 1) }
            // Pack the readable images together for the network.
            var slots: [Int] = []
            for (i, error) in errors.enumerated() where error == nil {
                if slots.count != i {
                    (inputs + slots.count * pixels).update(from: inputs + i * pixels, count: pixels)
                }
                slots.append(i)
            }
            if !slots.isEmpty {
                backbone.network.embed(inputs, count: slots.count, into: outputs, workspace: workspace)
            }
            var next = 0
            for (i, path) in chunk.enumerated() {
                let result: Result<[Float], ImageError>
                if let error = errors[i] {
                    result = .failure(error)
                } else {
                    result = .success(Array(UnsafeBufferPointer(start: outputs + next * dims, count: dims)))
                    next += 1
                }
                do {
                    try handle(Item(index: start + i, path: path, result: result))
                } catch {
                    pending.wait()  // the next batch is being decoded into a buffer we are about to free
                    throw error
                }
            }
            start += chunk.count
        }
    }

    /// Decodes and normalises `paths` into consecutive slots of `inputs` on all workers.
    private func decode(_ paths: [String], into inputs: UnsafeMutablePointer<Float>) -> [ImageError?] {
        let pixels = Architecture.inputSize * Architecture.inputSize * 3
        let errors = UnsafeMutableBufferPointer<ImageError?>.allocate(capacity: paths.count)
        errors.initialize(repeating: nil)
        defer { errors.deallocate() }
        let preprocessing = self.preprocessing
        // One file per iteration, handed out as workers free up: photos vary
        // widely in decoding cost.
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            do {
                let image = try preprocessing.networkImage(path: paths[i])
                Preprocessing.normalize(image, into: inputs + i * pixels)
            } catch let error as ImageError {
                errors[i] = error
            } catch {
                errors[i] = ImageError(.unreadable, "\(error)", path: paths[i])
            }
        }
        return Array(errors)
    }
}
