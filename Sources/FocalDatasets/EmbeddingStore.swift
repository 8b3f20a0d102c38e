import Foundation
import GRDB

/// A SQLite cache of embeddings keyed by (SHA-256 of the image bytes, backbone
/// identity), so nothing is computed twice across runs, datasets and renames.
///
/// WAL mode and one transaction per batch: a run killed mid-way keeps every
/// batch it finished, and the next run embeds only what is missing.
public final class EmbeddingStore: @unchecked Sendable {
    public let path: String
    let database: DatabaseQueue

    /// `$FOCAL_STORE`, else `$XDG_CACHE_HOME/focal/embeddings.sqlite`, else `~/.cache/focal/embeddings.sqlite`.
    public static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        if let path = env["FOCAL_STORE"], !path.isEmpty { return path }
        let cache = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache").path
        return cache + "/focal/embeddings.sqlite"
    }

    public init(path: String = EmbeddingStore.defaultPath) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        // Another process opening the same store at the same moment can hold
        // the lock that switching to WAL needs; wait for it rather than fail.
        var attempt = 0
        while true {
            do {
                database = try Self.open(path: path, configuration: configuration)
                break
            } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR].contains(error.resultCode) && attempt < 100 {
                attempt += 1
                usleep(50_000)
            } catch {
                throw DatasetError(file: path, "cannot open the embedding store: \(error)")
            }
        }
    }

    private static func open(path: String, configuration: Configuration) throws -> DatabaseQueue {
        let database = try DatabaseQueue(path: path, configuration: configuration)
        try database.writeWithoutTransaction { db in
            if try String.fetchOne(db, sql: "PRAGMA journal_mode")?.lowercased() != "wal" {
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            }
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS embedding (
                    image_sha256 TEXT NOT NULL,
                    backbone TEXT NOT NULL,
                    dimensions INTEGER NOT NULL,
                    vector BLOB NOT NULL,
                    PRIMARY KEY (image_sha256, backbone)
                ) WITHOUT ROWID
                """)
        }
        return database
    }

    /// The stored embeddings among `hashes` for `backbone`.
    public func embeddings(for hashes: [String], backbone: String) throws -> [String: [Float]] {
        var found: [String: [Float]] = [:]
        try database.read { db in
            // SQLite limits bound parameters; ask in slices.
            for start in stride(from: 0, to: hashes.count, by: 500) {
                let slice = Array(hashes[start..<min(hashes.count, start + 500)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
                let rows = try Row.fetchAll(db, sql: """
                    SELECT image_sha256, dimensions, vector FROM embedding
                    WHERE backbone = ? AND image_sha256 IN (\(marks))
                    """, arguments: StatementArguments([backbone] + slice))
                for row in rows {
                    let blob: Data = row["vector"]
                    let dims: Int = row["dimensions"]
                    guard blob.count == dims * 4 else { continue }
                    found[row["image_sha256"]] = blob.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                }
            }
        }
        return found
    }

    /// Stores a batch in one transaction.
    public func store(_ items: [(hash: String, vector: [Float])], backbone: String) throws {
        guard !items.isEmpty else { return }
        try database.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO embedding (image_sha256, backbone, dimensions, vector) VALUES (?, ?, ?, ?)
                """)
            for item in items {
                let blob = item.vector.withUnsafeBytes { Data($0) }
                try statement.execute(arguments: [item.hash, backbone, item.vector.count, blob])
            }
        }
    }

    public func count(backbone: String? = nil) throws -> Int {
        try database.read { db in
            if let backbone {
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM embedding WHERE backbone = ?", arguments: [backbone]) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM embedding") ?? 0
        }
    }
}
