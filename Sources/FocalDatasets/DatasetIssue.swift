import FocalFiles

/// A problem found in a dataset that did not stop it from being used: the row
/// (or the whole file) is named so a person can fix it.
public struct DatasetIssue: CustomStringConvertible, Equatable, Sendable {
    public var file: String
    /// The manifest line (1 is the header), or nil for the file as a whole.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// A dataset that cannot be used at all.
public struct DatasetError: FileFault {
    public var file: String
    public var message: String
    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }
}
