import FocalDatasets
import Foundation

/// `focal-benchmark store [--rows 20000] [--batch 32]`: rows per second written
/// to (one transaction per batch, as `Featurizer` does) and read from the
/// SQLite embedding store, with 1280-float rows.
func storeBenchmark() throws {
    let rows = Int(argument("--rows", default: "20000"))!
    let batch = Int(argument("--batch", default: "32"))!
    let path = NSTemporaryDirectory() + "focal-store-bench-\(UUID().uuidString).sqlite"
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    let store = try EmbeddingStore(path: path)
    let vector = (0..<1280).map { Float($0) / 1280 }
    let keys = (0..<rows).map { String(format: "%064x", $0) }
    let t0 = now()
    for start in stride(from: 0, to: rows, by: batch) {
        try store.store(keys[start..<min(rows, start + batch)].map { ($0, vector) }, backbone: "bench")
    }
    let written = now() - t0
    let t1 = now()
    var read = 0
    for start in stride(from: 0, to: rows, by: 1024) {
        read += try store.embeddings(for: Array(keys[start..<min(rows, start + 1024)]), backbone: "bench").count
    }
    let readTime = now() - t1
    precondition(read == rows, "read \(read) of \(rows) rows")
    emit(["mode": "store", "rows": rows, "batch": batch, "write_rows_per_second": Double(rows) / written,
          "read_rows_per_second": Double(rows) / readTime])
}
