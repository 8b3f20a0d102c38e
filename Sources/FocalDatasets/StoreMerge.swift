import FocalFiles
import Foundation
import GRDB

/// Combining embedding stores that shards wrote (`focal embed --shard K/N`,
/// one store each) into one, as `focal store merge` does.
extension EmbeddingStore {
    public struct MergeSummary: Sendable {
        /// Rows in the merged store.
        public var rows: Int
        /// Rows each input brought that were not there before (the existing target first, if any).
        public var added: [(store: String, rows: Int)]
        /// Rows found in more than one input with the same vector.
        public var duplicates: Int
        /// The backbone identity every row belongs to (nil when there were no rows).
        public var backbone: String?
    }

    /// Merges `sources` and what `target` already holds into `target`. Every
    /// row must belong to one backbone identity, and a row present in two
    /// inputs must hold the same vector: otherwise nothing is written. The
    /// merged store is built beside `target` and renamed over it, so an
    /// interrupted merge leaves `target` as it was. No other process may
    /// write `target` meanwhile.
    public static func merge(_ sources: [String], into target: String) throws -> MergeSummary {
        guard !sources.isEmpty else { throw StoreError(file: target, message: "no stores to merge") }
        let canonicalTarget = canonicalPath(target)
        let targetExists = FileManager.default.fileExists(atPath: target)
        var inputs: [String] = targetExists ? [target] : []
        var seen = Set(inputs.map(canonicalPath))
        for source in sources {
            guard FileManager.default.fileExists(atPath: source) else { throw StoreError(file: source, message: "no such store") }
            guard seen.insert(canonicalPath(source)).inserted else {
                throw StoreError(file: source, message: canonicalPath(source) == canonicalTarget ? "is the store merged into (--into); name it once"
                                                                                      : "named twice")
            }
            inputs.append(source)
        }
        // Fold the target's write-ahead log into its main file first: the log
        // is removed when the merged file replaces it, and must hold nothing then.
        if targetExists {
            do {
                let queue = try DatabaseQueue(path: target)
                let busy = try queue.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA wal_checkpoint(TRUNCATE)") ?? 0 }
                try queue.close()
                guard busy == 0 else { throw StoreError(file: target, message: "is in use by another process; merge into it when that one has finished") }
            } catch let error as DatabaseError {
                throw StoreError(file: target, message: "not an embedding store (\(error.message ?? "SQLite error \(error.resultCode.rawValue)"))")
            }
        }
        func open(_ path: String) throws -> DatabaseQueue {
            do {
                let queue = try readOnly(path)
                _ = try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM embedding") }
                return queue
            } catch let error as DatabaseError {
                throw StoreError(file: path, message: "not an embedding store (\(error.message ?? "SQLite error \(error.resultCode.rawValue)"))")
            }
        }
        let queues = try inputs.map(open)

        // One backbone identity in all of them.
        var backbones: [(store: String, names: [String])] = []
        for (path, queue) in zip(inputs, queues) {
            backbones.append((path, try queue.read { try String.fetchAll($0, sql: "SELECT DISTINCT backbone FROM embedding ORDER BY backbone") }))
        }
        let identities = Set(backbones.flatMap(\.names))
        guard identities.count <= 1 else {
            throw StoreError(file: target, message: "the stores hold embeddings of different backbones: "
                               + backbones.filter { !$0.names.isEmpty }.map { "\($0.store) (\($0.names.joined(separator: ", ")))" }.joined(separator: "; "))
        }

        let temporary = AtomicFile.temporaryPath(for: target)
        var done = false
        defer { if !done { for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) } } }
        let merged = try DatabaseQueue(path: temporary)
        // No rollback journal: a failed merge deletes the file anyway, and a
        // killed one leaves only the .tmp that the next writer here removes.
        try merged.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = OFF") }
        try merged.write { try $0.execute(sql: schema) }
        var added: [(String, Int)] = [], duplicates = 0
        for (path, queue) in zip(inputs, queues) {
            var count = 0
            try queue.read { source in
                let rows = try Row.fetchCursor(source, sql: "SELECT image_sha256, backbone, dimensions, vector FROM embedding")
                try merged.write { db in
                    let insert = try db.makeStatement(sql: """
                        INSERT INTO embedding (image_sha256, backbone, dimensions, vector) VALUES (?, ?, ?, ?)
                        ON CONFLICT (image_sha256, backbone) DO NOTHING
                        """)
                    let existing = try db.makeStatement(sql: "SELECT vector FROM embedding WHERE image_sha256 = ? AND backbone = ?")
                    while let row = try rows.next() {
                        let hash: String = row[0], backbone: String = row[1], vector: Data = row[3]
                        try insert.execute(arguments: [hash, backbone, row[2] as Int, vector])
                        if db.changesCount == 1 { count += 1; continue }
                        let other = try Data.fetchOne(existing, arguments: [hash, backbone])
                        guard other == vector else {
                            throw StoreError(file: path, message: "its embedding of image \(hash) differs from another store's; nothing was merged")
                        }
                        duplicates += 1
                    }
                }
            }
            added.append((path, count))
        }
        let rows = try merged.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM embedding") ?? 0 }
        try merged.close()
        // The old target's write-ahead log must not be replayed onto the new file.
        for suffix in ["-wal", "-shm"] { unlink(target + suffix) }
        guard rename(temporary, target) == 0 else {
            throw StoreError(file: target, message: "cannot replace the store: \(String(cString: strerror(errno)))")
        }
        done = true
        return MergeSummary(rows: rows, added: added, duplicates: duplicates, backbone: identities.first)
    }
}
