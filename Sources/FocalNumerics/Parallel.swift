import Foundation
import Synchronization

/// Splits `0..<count` into contiguous chunks, one per worker, and runs them at once.
///
/// Chunks (not single indices) keep each worker on neighbouring rows of an image,
/// which is where the memory it reads already sits in its cache.
public func parallelChunks(_ count: Int, workers: Int, _ body: (Range<Int>) -> Void) {
    let workers = laneCount(count, workers: workers)
    if workers == 1 {
        body(0..<count)
        return
    }
    WorkerPool.shared.run(workers) { w in
        let lo = count * w / workers, hi = count * (w + 1) / workers
        if lo < hi { body(lo..<hi) }
    }
}

/// How many workers `count` items get: at most `workers`, the pool's threads
/// plus the caller, and `count`; at least one.
public func laneCount(_ count: Int, workers: Int) -> Int {
    max(1, min(workers, count, WorkerPool.shared.threads + 1))
}

/// Splits `0..<count` into `lanes` contiguous shares and runs `body(lane, share)`
/// for each at once: for work where each worker keeps its own scratch memory
/// (indexed by `lane`) and runs its share single-threaded.
public func parallelShares(_ count: Int, lanes: Int, _ body: (_ lane: Int, _ share: Range<Int>) -> Void) {
    parallelLanes(lanes) { lane in body(lane, (count * lane / lanes)..<(count * (lane + 1) / lanes)) }
}

/// Runs `body(lane)` for each of `lanes` lanes at once, for callers that deal
/// out their own work by lane.
public func parallelLanes(_ lanes: Int, _ body: (_ lane: Int) -> Void) {
    parallelChunks(lanes, workers: lanes) { chunk in
        for lane in chunk { body(lane) }
    }
}

/// Threads that wait, spinning briefly, for the next parallel loop.
///
/// One image through the network is ~50 parallel loops of 20–700 µs each.
/// Dispatch's `concurrentPerform` wakes its workers too slowly for loops that
/// short (measured: two 86 µs halves took 157 µs, against 172 µs run one after
/// the other on the calling thread), so Focal keeps its own workers spinning
/// for a moment after each loop, then sleeping until the next.
public final class WorkerPool: @unchecked Sendable {
    /// One worker per core besides the caller's.
    public static let shared = WorkerPool(threads: max(0, ProcessInfo.processInfo.activeProcessorCount - 1))

    /// Worker threads (the caller of `run` is one more).
    public let threads: Int
    /// Bumped for each loop; workers wait for it to change.
    private let generation = Atomic<Int>(0)
    /// Workers that have not yet finished with the current loop.
    private let pending = Atomic<Int>(0)
    /// Set while a loop runs: a second caller (another thread, or a loop
    /// started inside a loop) runs its loop on its own thread instead.
    private let busy = Atomic<Bool>(false)
    private let wake = NSCondition()
    private var sleepers = 0                       // guarded by `wake`
    private var body: ((Int) -> Void)?             // published by `generation`
    private var parts = 0

    /// How long a worker spins before it sleeps: longer than the gap between
    /// two layers, far shorter than the gap between two batches.
    private static let spinIterations = 200_000

    init(threads: Int) {
        self.threads = threads
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.work(index: index + 1) }
            thread.name = "focal-worker-\(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(0) … body(parts − 1)` at once, `body(0)` on the calling thread.
    public func run(_ parts: Int, _ body: (Int) -> Void) {
        guard parts > 1, threads > 0,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for part in 0..<parts { body(part) }
            return
        }
        let parts = min(parts, threads + 1)
        withoutActuallyEscaping(body) { body in
            self.body = body
            self.parts = parts
            // Every worker acknowledges every loop, even one it has no part in,
            // so that none can still be reading this loop's `parts` when the next begins.
            pending.store(threads, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            wake.lock()
            if sleepers > 0 { wake.broadcast() }
            wake.unlock()
            body(0)
            while pending.load(ordering: .acquiring) > 0 {}
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
    }

    private func work(index: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < Self.spinIterations { continue }
                wake.lock()
                sleepers += 1
                while generation.load(ordering: .acquiring) == seen { wake.wait() }
                sleepers -= 1
                wake.unlock()
            }
            seen = generation.load(ordering: .acquiring)
            if index < parts, let body { body(index) }
            pending.subtract(1, ordering: .releasing)
        }
    }
}
