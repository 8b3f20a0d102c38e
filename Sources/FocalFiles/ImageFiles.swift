import Foundation

/// Expands command-line paths into image files: files are taken as given,
/// folders are walked recursively for image extensions, in sorted order so
/// that every run lists the same files in the same order.
public enum ImageFiles {
    public static let extensions: Set<String> = ["jpg", "jpeg", "jpe", "jfif", "png"]

    /// The image files under `paths`, and a one-line error for each path that does not exist.
    public static func collect(_ paths: [String]) -> (files: [String], missing: [FileError]) {
        var files: [String] = []
        var missing: [FileError] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(FileError(path: path, reason: "no such file or folder"))
                continue
            }
            if !isDirectory.boolValue {
                files.append(path)
                continue
            }
            var found: [String] = []
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            if let walker = fm.enumerator(atPath: path) {
                for case let relative as String in walker {
                    let name = (relative as NSString).lastPathComponent
                    if name.hasPrefix(".") { continue }
                    if extensions.contains((name as NSString).pathExtension.lowercased()) {
                        found.append(base + "/" + relative)
                    }
                }
            }
            files += found.sorted()
        }
        return (files, missing)
    }
}
