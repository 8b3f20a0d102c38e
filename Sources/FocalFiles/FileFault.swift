/// A fault with one file, said in one line as "file: message". Each layer has
/// its own type (a dataset, a store, a model file), so a caller can tell them
/// apart, and each fault's message is written once, where it is found.
public protocol FileFault: Error, CustomStringConvertible, Sendable {
    var file: String { get }
    var message: String { get }
}

extension FileFault {
    public var description: String { "\(file): \(message)" }
}
