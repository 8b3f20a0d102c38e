import FocalFiles

/// A model file that cannot be used: missing, unreadable, or made for another backbone.
public struct ModelFileError: FileFault {
    public let file: String, message: String
}
