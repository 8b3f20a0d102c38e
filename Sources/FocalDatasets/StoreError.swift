import FocalFiles

/// An embedding store that cannot be opened, read, written or merged.
public struct StoreError: FileFault {
    public let file: String, message: String
}
