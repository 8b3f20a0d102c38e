import Foundation

/// Writes files so that an interrupted run leaves the previous file intact:
/// the bytes go to a temporary file in the same folder, are flushed to disk,
/// and then take the final name in one rename.
public enum AtomicFile {
    public static func write(_ bytes: some Sequence<UInt8>, to path: String) throws {
        let writer = try Writer(path: path)
        try writer.write(Array(bytes))
        try writer.commit()
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// A file being written piece by piece; invisible under its final name until `commit`.
    public final class Writer {
        public let path: String
        let temporaryPath: String
        let handle: FileHandle
        var committed = false

        public init(path: String) throws {
            self.path = path
            let url = URL(fileURLWithPath: path)
            let folder = url.deletingLastPathComponent().path
            AtomicFile.removeStaleTemporaryFiles(in: folder)
            temporaryPath = folder + "/" + AtomicFile.temporaryName(for: url.lastPathComponent, pid: getpid())
            guard FileManager.default.createFile(atPath: temporaryPath, contents: nil) else {
                throw FileError(path: path, reason: "cannot create a file in \(folder)")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporaryPath))
        }

        public func write(_ bytes: [UInt8]) throws {
            do { try handle.write(contentsOf: bytes) } catch {
                throw FileError(path: path, reason: "write failed: \(error.localizedDescription)")
            }
        }

        /// Overwrites bytes at `offset` (for headers known only at the end).
        public func write(_ bytes: [UInt8], at offset: UInt64) throws {
            let end = try handle.offset()
            try handle.seek(toOffset: offset)
            try write(bytes)
            try handle.seek(toOffset: end)
        }

        public func commit() throws {
            try handle.synchronize()
            try handle.close()
            guard rename(temporaryPath, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporaryPath)
                throw FileError(path: path, reason: "cannot replace the file: \(reason)")
            }
            committed = true
        }

        deinit {
            if !committed {
                try? handle.close()
                unlink(temporaryPath)
            }
        }
    }
}

extension AtomicFile {
    /// A temporary path beside `path` for a writer that is not a byte stream
    /// (a database being built): the caller renames it over `path` when done.
    /// Stale ones of killed writers in that folder are removed first.
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        removeStaleTemporaryFiles(in: folder)
        return folder + "/" + temporaryName(for: url.lastPathComponent, pid: getpid())
    }

    /// `.NAME.HOST.PID.RANDOM.tmp`: hidden, and naming the machine and the
    /// process that writes it, so a later run on the same machine can tell a
    /// live writer's file from a killed one's. The host matters on a shared
    /// folder (shards of `focal embed` on several machines): another machine's
    /// process ids mean nothing here, so its files are never touched.
    public static func temporaryName(for name: String, pid: pid_t) -> String {
        ".\(name).\(host).\(pid).\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    /// This machine's name as temporary names carry it: letters, digits and hyphens.
    public static let host: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count) == 0 ? String(cString: buffer) : ""
        let safe = String(name.unicodeScalars.map { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) ? Character($0) : "-" })
        return safe.isEmpty ? "host" : String(safe.prefix(64))
    }()

    /// The process id in a temporary name this type made on this machine, or
    /// nil for any other name (another machine's included).
    static func writer(ofTemporaryName name: String) -> pid_t? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
        let parts = name.dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 5, UInt32(parts[parts.count - 1]) != nil, let pid = pid_t(parts[parts.count - 2]), pid > 0,
              parts[parts.count - 3] == host
        else { return nil }
        return pid
    }

    nonisolated(unsafe) static var cleanedFolders: Set<String> = []
    static let cleanedLock = NSLock()

    /// Deletes the temporary files that writers killed mid-write (SIGKILL,
    /// power loss) left in `folder`: those whose process no longer exists.
    /// Once per folder per process, at its first write there.
    public static func removeStaleTemporaryFiles(in folder: String) {
        cleanedLock.lock()
        let first = cleanedFolders.insert(folder).inserted
        cleanedLock.unlock()
        guard first, let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names {
            guard let pid = writer(ofTemporaryName: name), pid != getpid() else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH { unlink(folder + "/" + name) }
        }
    }
}

/// A file Focal could not read or write; one line naming it.
public struct FileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}
