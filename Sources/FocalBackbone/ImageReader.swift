import FocalImages

/// Where preprocessing gets an image's bytes and pixels: the file system and
/// the codecs. A seam so a test can count how often a file is read and
/// decoded (one of each per image is the contract of `PreparedImage`).
package struct ImageReader: Sendable {
    package var read: @Sendable (_ path: String) throws -> [UInt8]
    package var decode: @Sendable (_ decoder: ImageDecoder, _ bytes: [UInt8]) throws -> RGBImage

    package init(read: @escaping @Sendable (String) throws -> [UInt8],
                 decode: @escaping @Sendable (ImageDecoder, [UInt8]) throws -> RGBImage) {
        self.read = read
        self.decode = decode
    }

    /// The files as they are, decoded by the codecs.
    package static let files = ImageReader(read: { try readFileBytes($0) }, decode: { try $0.decode($1) })

    /// The file at `path` decoded by `decoder`; errors name the file.
    package func decode(path: String, with decoder: ImageDecoder) throws -> RGBImage {
        let bytes = try read(path)
        do { return try decode(decoder, bytes) } catch let error as ImageError { throw error.at(path) }
    }
}
