import Crypto
import FocalImages
import Foundation

/// SHA-256 of file contents, hex-encoded: the key of every cached embedding,
/// so a renamed or copied photo is never embedded twice.
public enum ContentHash {
    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    public static func sha256(path: String) throws -> String {
        sha256(try readFileBytes(path))
    }
}

extension Dataset {
    /// The revision's identity: SHA-256 over every row (image, labels, split,
    /// regions, in order) and the SHA-256 of each image's bytes, so that
    /// relabelling a row or replacing a photo changes it and nothing else does.
    /// `imageHashes` maps sample paths to content hashes (unreadable images: absent).
    public func revision(imageHashes: [String: String]) -> String {
        var hasher = SHA256()
        for s in samples {
            let row = [s.image, s.positives.sorted().joined(separator: "|"), s.negatives.sorted().joined(separator: "|"),
                       s.split?.rawValue ?? "", s.regions.map(\.text).joined(separator: "|"),
                       imageHashes[s.path] ?? "unreadable"].joined(separator: "\u{1F}") + "\u{1E}"
            hasher.update(data: Data(row.utf8))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
