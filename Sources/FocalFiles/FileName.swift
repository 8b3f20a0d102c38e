/// File names made from data (a concept, an image's name): one sanitiser, so
/// that nothing Focal writes can land outside the folder the user gave.
///
/// A name that is already safe is kept as it is; any other name has each
/// unsafe character replaced by `_` and a short digest of the original
/// appended, so `a/b` and `a_b` (or two long names) never share a file.
public enum FileName {
    /// The longest name kept, in UTF-8 bytes (file systems allow 255; room is
    /// left for a suffix such as `.stem.png`).
    public static let maximumLength = 120

    public static func safe(_ name: String) -> String {
        if isSafe(name) { return name }
        var kept = ""
        for scalar in name.unicodeScalars {
            let next: Unicode.Scalar = isSafe(scalar) ? scalar : "_"
            if kept.utf8.count + String(next).utf8.count > maximumLength - 9 { break }
            kept.unicodeScalars.append(next)
        }
        while kept.hasPrefix(".") { kept.removeFirst() }
        return (kept.isEmpty ? "_" : kept) + "-" + digest(name)
    }

    /// No path separator, control character or leading dot (so neither `.`,
    /// `..` nor a hidden file), not empty, and short enough.
    public static func isSafe(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.utf8.count <= maximumLength
            && name.unicodeScalars.allSatisfy(isSafe)
    }

    static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        !(scalar.value < 0x20 || scalar == "/" || scalar == "\\" || scalar.value == 0x7F || scalar == ":")
    }

    /// 32-bit FNV-1a of the UTF-8 bytes, as 8 hex digits: enough to keep
    /// names apart, not a security measure (the character rule is).
    static func digest(_ name: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}

/// The names one run writes into one folder, so that two inputs that make the
/// same name (`a/x.jpg` and `b/x.jpg`) do not overwrite each other: the
/// second gets `-2`, the third `-3`.
public final class FileNames {
    var taken: Set<String> = []

    public init() {}

    /// `base`, or `base-N` for the first N ≥ 2 not yet claimed in this run.
    public func claim(_ base: String) -> String {
        var name = base, n = 1
        while taken.contains(name) {
            n += 1
            name = "\(base)-\(n)"
        }
        taken.insert(name)
        return name
    }
}
