import FocalFiles
import Foundation

extension Dataset {
    /// The dataset as a CSV manifest: the five columns, then the extra ones.
    /// Image paths are written as the samples name them, so write the file in
    /// the same folder as the manifest it came from (or pass `relativeTo`).
    public func csv(relativeTo folder: String? = nil) -> String {
        var text = (Dataset.columns + extraColumns).map(csvField).joined(separator: ",") + "\n"
        for s in samples {
            let image = folder.map { relativePath(s.path, from: $0) } ?? s.image
            let fields = [image, s.positives.joined(separator: "|"), s.negatives.joined(separator: "|"),
                          s.split?.rawValue ?? "", s.regions.map(\.text).joined(separator: "|")]
                + extraColumns.map { s.extra[$0] ?? "" }
            text += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    /// Writes the manifest atomically; image paths are made relative to its folder.
    public func write(to path: String) throws {
        try AtomicFile.write(csv(relativeTo: FilePaths.parent(of: path)), to: path)
    }
}

/// `path` relative to `folder` (both made absolute first), with `..` where needed.
func relativePath(_ path: String, from folder: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    func parts(_ p: String) -> [String] {
        let absolute = p.hasPrefix("/") ? p : cwd + "/" + p
        var out: [String] = []
        for part in absolute.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." { if !out.isEmpty { out.removeLast() } } else { out.append(String(part)) }
        }
        return out
    }
    let target = parts(path), base = parts(folder)
    var common = 0
    while common < min(target.count, base.count) && target[common] == base[common] { common += 1 }
    return (Array(repeating: "..", count: base.count - common) + target[common...]).joined(separator: "/")
}
