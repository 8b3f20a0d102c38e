/// Why an image could not be read. Its description is one line that names the
/// file (when known) and the problem, ready for a person or a log.
public struct ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable {
        case unreadable      // the file could not be opened or read
        case empty           // zero bytes
        case unknownFormat   // neither JPEG nor PNG
        case corrupt         // the codec rejected the data (including truncation)
        case tooLarge        // over the decompression-bomb pixel limit
        case tooSmall        // too few pixels for what was asked of it
    }

    public var kind: Kind
    public var reason: String
    public var path: String?

    public init(_ kind: Kind, _ reason: String, path: String? = nil) {
        self.kind = kind
        self.reason = reason
        self.path = path
    }

    public func at(_ path: String) -> ImageError {
        var copy = self
        copy.path = path
        return copy
    }

    public var description: String {
        if let path { return "\(path): \(reason)" }
        return reason
    }
}
