import FocalFiles
import Foundation
import GRDB

/// A SQLite cache of embeddings keyed by (SHA-256 of the image bytes, backbone
/// identity), so nothing is computed twice across runs, datasets and renames.
///
/// WAL mode and one transaction per batch: a run killed mid-way keeps every
/// batch it finished, and the next run embeds only what is missing.
public final class EmbeddingStore: @unchecked Sendable {
    public let path: String
    let configuration: Configuration
    private var current: DatabaseQueue
    private let swapLock = NSLock()
    /// Told, in one line, when a damaged store was moved aside and a new one
    /// started (the commands print it): the cache only saves work, so losing
    /// it must never stop a run.
    public var onRecovery: ((String) -> Void)?

    /// `$FOCAL_STORE`, else `$XDG_CACHE_HOME/focal/embeddings.sqlite`, else `~/.cache/focal/embeddings.sqlite`.
    public static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        if let path = env["FOCAL_STORE"], !path.isEmpty { return path }
        let cache = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache").path
        return cache + "/focal/embeddings.sqlite"
    }

    /// SQLite's own check of the file at `path`, opened read-only and left as
    /// it is: "ok" when the database is sound, else what is wrong.
    public static func integrityCheck(path: String) throws -> String {
        try readOnly(path).read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    /// Rows in the store at `path`, read without opening it for writing (a
    /// writer in another process may be busy with it).
    public static func rowCount(path: String) throws -> Int {
        try readOnly(path).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM embedding") ?? 0 }
    }

    /// The database at `path` opened for reading only, as it is (no recovery, no schema).
    static func readOnly(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    public init(path: String = EmbeddingStore.defaultPath, onRecovery: ((String) -> Void)? = nil) throws {
        self.path = path
        self.onRecovery = onRecovery
        try? FileManager.default.createDirectory(atPath: FilePaths.parent(of: path), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        self.configuration = configuration
        do {
            current = try Self.openWaiting(path: path, configuration: configuration)
        } catch let error as DatabaseError where Self.isDamage(error) {
            current = try Self.replace(path, damagedBy: error, configuration: configuration, onRecovery: onRecovery)
        }
    }

    /// Moves the damaged store aside, opens a fresh one in its place and says so.
    private static func replace(_ path: String, damagedBy error: DatabaseError, configuration: Configuration,
                                onRecovery: ((String) -> Void)?) throws -> DatabaseQueue {
        let aside = try moveAside(path, because: error)
        let fresh = try openWaiting(path: path, configuration: configuration)
        onRecovery?(recoveryMessage(path, aside: aside, error: error))
        return fresh
    }

    /// Another process opening the same store at the same moment can hold
    /// the lock that switching to WAL needs; wait for it rather than fail.
    private static func openWaiting(path: String, configuration: Configuration) throws -> DatabaseQueue {
        var attempt = 0
        while true {
            do {
                return try open(path: path, configuration: configuration)
            } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR].contains(error.resultCode) && attempt < 100 {
                attempt += 1
                usleep(50_000)
            } catch let error as DatabaseError where isDamage(error) {
                throw error
            } catch {
                throw StoreError(file: path, message: "cannot open the embedding store: \(error)")
            }
        }
    }

    /// SQLite's "database disk image is malformed" and "file is not a database".
    static func isDamage(_ error: DatabaseError) -> Bool {
        [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode)
    }

    static func recoveryMessage(_ path: String, aside: String, error: DatabaseError) -> String {
        "\(path): the embedding store is damaged (SQLite error \(error.resultCode.rawValue): \(error.message ?? "malformed")); "
            + "moved aside to \(aside) and started a new one, so images are embedded again"
    }

    /// Renames the store (and its WAL and shared-memory files) to
    /// `NAME.damaged-TIMESTAMP`, keeping it for inspection, never deleting it.
    static func moveAside(_ path: String, because error: DatabaseError) throws -> String {
        let stamp = Int(Date().timeIntervalSince1970)
        var aside = "\(path).damaged-\(stamp)", n = 1
        while FileManager.default.fileExists(atPath: aside) { n += 1; aside = "\(path).damaged-\(stamp)-\(n)" }
        guard rename(path, aside) == 0 else {
            throw StoreError(file: path, message: "the embedding store is damaged (SQLite error \(error.resultCode.rawValue)) and cannot be moved aside "
                               + "(\(String(cString: strerror(errno)))); run with --no-store, or move it away by hand")
        }
        for suffix in ["-wal", "-shm"] { _ = rename(path + suffix, aside + suffix) }
        return aside
    }

    /// The open database; replaced once if damage is found mid-run.
    private var database: DatabaseQueue {
        swapLock.lock()
        defer { swapLock.unlock() }
        return current
    }

    /// Runs `body`; on damage, moves the store aside, opens a fresh one and
    /// runs `body` on it (an empty store: every lookup misses, and the run
    /// refills it). Any other SQLite fault is one line naming the store.
    private func withRecovery<T>(_ body: (DatabaseQueue) throws -> T) throws -> T {
        let db = database
        do {
            return try body(db)
        } catch let error as DatabaseError where Self.isDamage(error) {
            swapLock.lock()
            defer { swapLock.unlock() }
            if current === db {
                current = try Self.replace(path, damagedBy: error, configuration: configuration, onRecovery: onRecovery)
            }
            do { return try body(current) } catch { throw fault(error) }
        } catch {
            throw fault(error)
        }
    }

    private func fault(_ error: Error) -> Error {
        guard let error = error as? DatabaseError else { return error }
        return StoreError(file: path, message: "the embedding store failed (SQLite error \(error.resultCode.rawValue): \(error.message ?? "unknown")); "
                            + "run with --no-store to go on without it")
    }

    /// One row per image and backbone identity; what `merge` writes too.
    static let schema = """
        CREATE TABLE IF NOT EXISTS embedding (
            image_sha256 TEXT NOT NULL,
            backbone TEXT NOT NULL,
            dimensions INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (image_sha256, backbone)
        ) WITHOUT ROWID
        """

    private static func open(path: String, configuration: Configuration) throws -> DatabaseQueue {
        let database = try DatabaseQueue(path: path, configuration: configuration)
        try database.writeWithoutTransaction { db in
            if try String.fetchOne(db, sql: "PRAGMA journal_mode")?.lowercased() != "wal" {
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            }
            try db.execute(sql: schema)
        }
        return database
    }

    /// The stored embeddings among `hashes` for `backbone`. A row of the
    /// wrong length or holding a non-finite number is left out (a miss: the
    /// image is embedded again and the row replaced).
    public func embeddings(for hashes: [String], backbone: String) throws -> [String: [Float]] {
        try withRecovery { database in
            try database.read { db in
                var found: [String: [Float]] = [:]
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
                        guard dims > 0, blob.count == dims * 4 else { continue }
                        let vector = blob.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                        if vector.allSatisfy(\.isFinite) { found[row["image_sha256"]] = vector }
                    }
                }
                return found
            }
        }
    }

    /// Stores a batch in one transaction.
    public func store(_ items: [(hash: String, vector: [Float])], backbone: String) throws {
        guard !items.isEmpty else { return }
        try withRecovery { database in try database.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO embedding (image_sha256, backbone, dimensions, vector) VALUES (?, ?, ?, ?)
                """)
            for item in items {
                let blob = item.vector.withUnsafeBytes { Data($0) }
                try statement.execute(arguments: [item.hash, backbone, item.vector.count, blob])
            }
        } }
    }

    public func count(backbone: String? = nil) throws -> Int {
        try withRecovery { database in try database.read { db in
            if let backbone {
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM embedding WHERE backbone = ?", arguments: [backbone]) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM embedding") ?? 0
        } }
    }
}
