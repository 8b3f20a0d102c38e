import Dispatch

/// Splits `0..<count` into contiguous chunks, one per worker, and runs them at once.
///
/// Chunks (not single indices) keep each worker on neighbouring rows of an image,
/// which is where the memory it reads already sits in its cache.
public func parallelChunks(_ count: Int, workers: Int, _ body: (Range<Int>) -> Void) {
    let workers = max(1, min(workers, count))
    if workers == 1 {
        body(0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let lo = count * w / workers, hi = count * (w + 1) / workers
        if lo < hi { body(lo..<hi) }
    }
}
