import Foundation

/// Path arithmetic on strings, written out because swift-corelibs-foundation's
/// `NSString.deletingLastPathComponent` traps (SIGILL) on a one-character path
/// such as `q` or `.`: every parent-folder question in Focal goes through here.
public enum FilePaths {
    /// The folder holding `path`: `"."` for a bare name, `"/"` at the root.
    /// Trailing slashes are ignored (`a/b/` → `a`).
    public static func parent(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        if slash == p.startIndex { return "/" }
        var folder = p[..<slash]
        while folder.count > 1, folder.hasSuffix("/") { folder.removeLast() }
        return String(folder)
    }

    /// `relative` inside `folder`, unless it is already absolute.
    public static func resolve(_ relative: String, in folder: String) -> String {
        if relative.hasPrefix("/") { return relative }
        if folder == "." || folder.isEmpty { return relative }
        return folder.hasSuffix("/") ? folder + relative : folder + "/" + relative
    }
}
