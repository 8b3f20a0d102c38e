import _FocalCodecShims

/// Writes images as JPEG or PNG bytes (for generated datasets, masks and reports).
public enum ImageEncoder {
    /// Baseline JPEG of an RGB image at `quality` (1...100).
    public static func jpeg(_ image: RGBImage, quality: Int = 90) throws -> [UInt8] {
        try encode { out, size, error in
            image.pixels.withUnsafeBufferPointer {
                focal_jpeg_encode($0.baseAddress, Int32(image.width), Int32(image.height), 3,
                                  Int32(quality), &out, &size, error, Int(FOCAL_ERROR_CAPACITY))
            }
        }
    }

    /// PNG of 8-bit pixels with 1 (gray), 3 (RGB) or 4 (RGBA) channels.
    public static func png(pixels: [UInt8], width: Int, height: Int, channels: Int) throws -> [UInt8] {
        precondition(pixels.count == width * height * channels, "pixel buffer does not match its size")
        return try encode { out, size, error in
            pixels.withUnsafeBufferPointer {
                focal_png_encode($0.baseAddress, Int32(width), Int32(height), Int32(channels),
                                 &out, &size, error, Int(FOCAL_ERROR_CAPACITY))
            }
        }
    }

    public static func png(_ image: RGBImage) throws -> [UInt8] {
        try png(pixels: image.pixels, width: image.width, height: image.height, channels: 3)
    }

    private static func encode(
        _ body: (inout UnsafeMutablePointer<UInt8>?, inout Int, UnsafeMutablePointer<CChar>) -> Int32
    ) throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var error = [CChar](repeating: 0, count: Int(FOCAL_ERROR_CAPACITY))
        let status = error.withUnsafeMutableBufferPointer { body(&out, &size, $0.baseAddress!) }
        guard status == 0, let out else { throw ImageError(.corrupt, "encoding failed: " + String(cString: error)) }
        defer { focal_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}
