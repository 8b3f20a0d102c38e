import Foundation

/// Expands command-line paths into image files: files are taken as given,
/// folders are walked recursively for image extensions, in sorted order so
/// that every run lists the same files in the same order.
public enum ImageFiles {
    public static let extensions: Set<String> = ["jpg", "jpeg", "jpe", "jfif", "png"]

    /// Lists a folder's entries; throws when it cannot be read. A parameter so
    /// that tests can make a folder unreadable even when they run as root.
    public typealias Lister = (String) throws -> [String]

    public static let listFolder: Lister = { try FileManager.default.contentsOfDirectory(atPath: $0) }

    /// The image files under `paths`, and a one-line error for each path that
    /// does not exist and each folder inside them that cannot be listed (the
    /// rest of the walk goes on).
    public static func collect(_ paths: [String], list: Lister = listFolder) -> (files: [String], missing: [FileError]) {
        var files: [String] = []
        var missing: [FileError] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(FileError(path: path, reason: "no such file or folder"))
                continue
            }
            if !isDirectory.boolValue {
                files.append(path)
                continue
            }
            var found: [String] = []
            let base = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            var visited = Set<[UInt64]>()
            walk(base, into: &found, faults: &missing, list: list, visited: &visited)
            files += found.sorted()
        }
        return (files, missing)
    }

    /// Depth first, skipping hidden names. Symbolic links are followed, and
    /// each folder (by device and inode) is entered once, so a link loop
    /// cannot trap the walk.
    static func walk(_ folder: String, into found: inout [String], faults: inout [FileError], list: Lister,
                     visited: inout Set<[UInt64]>) {
        var own = stat()
        if stat(folder, &own) == 0, !visited.insert([UInt64(own.st_dev), UInt64(own.st_ino)]).inserted { return }
        let names: [String]
        do { names = try list(folder) } catch {
            faults.append(FileError(path: folder, reason: "cannot list the folder (\(reason(error))); its images are skipped"))
            return
        }
        for name in names where !name.hasPrefix(".") {
            let path = folder == "/" ? "/" + name : folder + "/" + name
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                walk(path, into: &found, faults: &faults, list: list, visited: &visited)
            } else if extensions.contains((name as NSString).pathExtension.lowercased()) {
                found.append(path)
            }
        }
    }

    static func reason(_ error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(code))) }
        if (error as NSError).domain == NSCocoaErrorDomain, (error as NSError).code == NSFileReadNoPermissionError { return "permission denied" }
        return "unreadable"
    }
}
