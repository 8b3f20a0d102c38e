import Foundation

/// One spelling per file: absolute, with `.`, `..` and symbolic links resolved,
/// so that `./a/../b.jpg` and `/abs/b.jpg` compare equal.
public func canonicalPath(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
}
