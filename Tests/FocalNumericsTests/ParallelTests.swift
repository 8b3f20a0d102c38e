import Dispatch
import FocalNumerics
import Synchronization
import XCTest

/// The worker pool runs every index exactly once, whoever calls it and however often.
final class ParallelTests: XCTestCase {
    func testEveryIndexRunsOnceAcrossManyLoops() {
        for count in [1, 2, 3, 17, 1000] {
            for _ in 0..<200 {
                var hits = [Int](repeating: 0, count: count)
                hits.withUnsafeMutableBufferPointer { h in
                    let h = h.baseAddress!
                    parallelChunks(count, workers: 8) { range in for i in range { h[i] += 1 } }
                }
                XCTAssertEqual(hits, [Int](repeating: 1, count: count), "count \(count)")
            }
        }
    }

    func testNestedAndConcurrentLoopsStillRunEveryIndex() {
        let total = Atomic<Int>(0)
        // Four threads start loops at once; each loop starts another inside it.
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<100 {
                parallelChunks(10, workers: 2) { outer in
                    for _ in outer {
                        parallelChunks(3, workers: 2) { inner in total.add(inner.count, ordering: .relaxed) }
                    }
                }
            }
        }
        XCTAssertEqual(total.load(ordering: .relaxed), 4 * 100 * 10 * 3)
    }
}
