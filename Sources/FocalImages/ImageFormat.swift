/// The container formats Focal reads, told apart by their first bytes, not by
/// the file name (photos are often misnamed).
public enum ImageFormat: String, Sendable {
    case jpeg
    case png

    public init?(sniffing bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(8))
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF {
            self = .jpeg
        } else if head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] {
            self = .png
        } else {
            return nil
        }
    }

    /// File extensions that are worth trying when walking a folder.
    public static let fileExtensions: Set<String> = ["jpg", "jpeg", "jpe", "jfif", "png"]
}
