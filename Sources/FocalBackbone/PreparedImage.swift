import FocalImages

/// An image read once for the network: its bytes, decoded (perhaps reduced in
/// the DCT), its upright original size, where the 224×224 input sits in it, and
/// that input. Everything an explanation needs of the file, so that nothing
/// downstream reads or decodes it again.
public struct PreparedImage: Sendable {
    public let path: String
    /// The file's bytes, kept for a full-size picture when `decoded` was reduced.
    public let bytes: [UInt8]
    public let decoded: RGBImage
    public let size: (width: Int, height: Int)
    public let geometry: CropGeometry
    public let crop: RGBImage
    public let input: [Float]
    let reader: ImageReader

    init(path: String, preprocessing: Preprocessing) throws {
        let reader = preprocessing.reader
        let bytes = try reader.read(path)
        let size: (width: Int, height: Int), decoded: RGBImage
        do { size = try ImageDecoder().size(of: bytes) } catch let error as ImageError { throw error.at(path) }
        do { decoded = try reader.decode(preprocessing.decoder, bytes) } catch let error as ImageError { throw error.at(path) }
        self.path = path
        self.bytes = bytes
        self.decoded = decoded
        self.size = size
        self.reader = reader
        geometry = CropGeometry(originalWidth: size.width, originalHeight: size.height)
        crop = preprocessing.networkImage(decoded)
        input = Preprocessing.normalize(crop)
    }

    /// The photo at full size, for pictures: the decoded image when the decoder
    /// kept it whole, else decoded again from the kept bytes (never read again).
    public func original() throws -> RGBImage {
        if decoded.width == size.width && decoded.height == size.height { return decoded }
        do { return try reader.decode(ImageDecoder(), bytes) } catch let error as ImageError { throw error.at(path) }
    }
}

extension Preprocessing {
    /// The file at `path`, read and decoded once: see `PreparedImage`.
    public func prepare(path: String) throws -> PreparedImage {
        try PreparedImage(path: path, preprocessing: self)
    }
}
