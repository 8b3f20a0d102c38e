import _FocalCodecShims

/// An 8-bit RGBA image with straight (non-premultiplied) alpha, rows top to
/// bottom: what a cut-out PNG holds. `ImageDecoder.decode` flattens alpha onto
/// a background; compositing code that needs the alpha itself reads this.
public struct RGBAImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height * 4` bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 4,
                     "pixel buffer does not match \(width)x\(height) RGBA")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An opaque copy of an RGB image.
    public init(_ image: RGBImage) {
        var out = [UInt8](repeating: 255, count: image.width * image.height * 4)
        for i in 0..<(image.width * image.height) {
            out[4 * i] = image.pixels[3 * i]
            out[4 * i + 1] = image.pixels[3 * i + 1]
            out[4 * i + 2] = image.pixels[3 * i + 2]
        }
        self.init(width: image.width, height: image.height, pixels: out)
    }
}

extension ImageDecoder {
    /// Reads a PNG with its alpha channel (a JPEG comes back opaque).
    public func decodeRGBA(path: String) throws -> RGBAImage {
        let bytes = try readFileBytes(path)
        do {
            return try decodeRGBA(bytes)
        } catch let error as ImageError {
            throw error.at(path)
        }
    }

    public func decodeRGBA(_ bytes: [UInt8]) throws -> RGBAImage {
        guard ImageFormat(sniffing: bytes) == .png else { return RGBAImage(try decode(bytes)) }
        var error = [CChar](repeating: 0, count: Int(FOCAL_ERROR_CAPACITY))
        var decoded = focal_pixels()
        let status = bytes.withUnsafeBufferPointer {
            focal_png_decode($0.baseAddress, $0.count, Int64(options.maxPixels), &decoded, &error, error.count)
        }
        guard status == 0 else {
            let reason = String(cString: error)
            throw ImageError(reason.contains("over the limit") ? .tooLarge : .corrupt, "PNG: " + reason)
        }
        defer { focal_free(decoded.pixels) }
        let count = Int(decoded.width) * Int(decoded.height) * 4
        return RGBAImage(width: Int(decoded.width), height: Int(decoded.height),
                         pixels: Array(UnsafeBufferPointer(start: decoded.pixels, count: count)))
    }
}
