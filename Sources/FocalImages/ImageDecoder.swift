import _FocalCodecShims

/// Turns JPEG and PNG files into upright 8-bit RGB images.
///
/// Every failure, from a missing file to a codec error deep inside libjpeg, is
/// a thrown `ImageError` that names the file; nothing here can end the process.
public struct ImageDecoder: Sendable {
    public struct Options: Sendable {
        /// Decompression-bomb guard: images with more pixels than this are refused
        /// before any pixel is decoded. 120 MP covers every camera on sale.
        public var maxPixels: Int = 120_000_000
        /// What transparent PNG pixels are composited onto. White, as a photo
        /// viewer or a web page shows them.
        public var background: (red: UInt8, green: UInt8, blue: UInt8) = (255, 255, 255)
        /// If set, a JPEG is decoded at 1/8...8/8 scale in the DCT (much faster)
        /// while its shorter side stays at least this many pixels. `nil` decodes
        /// at full size.
        public var minimumShorterSide: Int?
        /// Apply the EXIF orientation tag, so portraits come out upright.
        public var appliesOrientation = true

        public init() {}
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Reads and decodes the file at `path`.
    public func decode(path: String) throws -> RGBImage {
        let bytes = try readFileBytes(path)
        do {
            return try decode(bytes)
        } catch let error as ImageError {
            throw error.at(path)
        }
    }

    /// Decodes an image held in memory.
    public func decode(_ bytes: [UInt8]) throws -> RGBImage {
        if bytes.isEmpty { throw ImageError(.empty, "empty file (0 bytes)") }
        guard let format = ImageFormat(sniffing: bytes) else {
            throw ImageError(.unknownFormat, "not a JPEG or PNG image")
        }
        switch format {
        case .jpeg: return try decodeJPEG(bytes)
        case .png: return try decodePNG(bytes)
        }
    }

    /// The scale (in eighths) libjpeg should decode at so that the shorter side
    /// stays at least `minimum`: output sides are ceil(side · n / 8).
    static func dctScale(width: Int, height: Int, minimum: Int?) -> Int {
        guard let minimum else { return 8 }
        let shorter = min(width, height)
        for n in 1...8 where (shorter * n + 7) / 8 >= minimum {
            return n
        }
        return 8
    }

    private func decodeJPEG(_ bytes: [UInt8]) throws -> RGBImage {
        var error = [CChar](repeating: 0, count: Int(FOCAL_ERROR_CAPACITY))
        var header = focal_jpeg_header()
        let headerStatus = bytes.withUnsafeBufferPointer {
            focal_jpeg_read_header($0.baseAddress, $0.count, &header, &error, error.count)
        }
        guard headerStatus == 0 else { throw ImageError(.corrupt, "JPEG: " + String(cString: error)) }
        var orientation = ExifOrientation.up
        if let exif = header.exif {
            if options.appliesOrientation {
                orientation = ExifOrientation(exif: Array(UnsafeBufferPointer(start: exif, count: header.exif_size)))
            }
            focal_free(exif)
        }
        let pixelCount = Int(header.width) * Int(header.height)
        guard pixelCount <= options.maxPixels else {
            throw ImageError(.tooLarge, "image of \(header.width)x\(header.height) pixels is over the limit of \(options.maxPixels) pixels")
        }
        let scale = Self.dctScale(width: Int(header.width), height: Int(header.height),
                                  minimum: options.minimumShorterSide)
        // libjpeg's output size at scale n/8 is ceil(side·n/8): decode straight
        // into the image's own storage (if libjpeg ever disagrees, the shim
        // allocates instead and the pixels are copied from there).
        let expected = ((Int(header.width) * scale + 7) / 8) * ((Int(header.height) * scale + 7) / 8) * 3
        var decoded = focal_pixels()
        var status: Int32 = 0
        var pixels = [UInt8](unsafeUninitializedCapacity: expected) { buffer, initialized in
            status = bytes.withUnsafeBufferPointer {
                focal_jpeg_decode($0.baseAddress, $0.count, Int32(scale), Int64(options.maxPixels),
                                  buffer.baseAddress, buffer.count, &decoded, &error, error.count)
            }
            initialized = status == 0 && decoded.pixels == buffer.baseAddress ? expected : 0
        }
        guard status == 0 else {
            throw ImageError(status == FOCAL_TOO_LARGE ? .tooLarge : .corrupt, "JPEG: " + String(cString: error))
        }
        let count = Int(decoded.width) * Int(decoded.height) * 3
        if pixels.count != count {
            pixels = Array(UnsafeBufferPointer(start: decoded.pixels, count: count))
            focal_free(decoded.pixels)
        }
        return RGBImage(width: Int(decoded.width), height: Int(decoded.height), pixels: pixels).oriented(orientation)
    }

    private func decodePNG(_ bytes: [UInt8]) throws -> RGBImage {
        var error = [CChar](repeating: 0, count: Int(FOCAL_ERROR_CAPACITY))
        var decoded = focal_pixels()
        let status = bytes.withUnsafeBufferPointer {
            focal_png_decode($0.baseAddress, $0.count, Int64(options.maxPixels), &decoded, &error, error.count)
        }
        guard status == 0 else {
            throw ImageError(status == FOCAL_TOO_LARGE ? .tooLarge : .corrupt, "PNG: " + String(cString: error))
        }
        defer { focal_free(decoded.pixels) }
        let n = Int(decoded.width) * Int(decoded.height)
        var rgb = [UInt8](repeating: 0, count: n * 3)
        let bg = (Int(options.background.red), Int(options.background.green), Int(options.background.blue))
        rgb.withUnsafeMutableBufferPointer { out in
            let rgba = UnsafeBufferPointer(start: decoded.pixels, count: n * 4)
            for i in 0..<n {
                let a = Int(rgba[4 * i + 3])
                if a == 255 {
                    out[3 * i] = rgba[4 * i]; out[3 * i + 1] = rgba[4 * i + 1]; out[3 * i + 2] = rgba[4 * i + 2]
                } else {
                    // Straight (non-premultiplied) alpha over the background, rounded.
                    out[3 * i] = UInt8((Int(rgba[4 * i]) * a + bg.0 * (255 - a) + 127) / 255)
                    out[3 * i + 1] = UInt8((Int(rgba[4 * i + 1]) * a + bg.1 * (255 - a) + 127) / 255)
                    out[3 * i + 2] = UInt8((Int(rgba[4 * i + 2]) * a + bg.2 * (255 - a) + 127) / 255)
                }
            }
        }
        return RGBImage(width: Int(decoded.width), height: Int(decoded.height), pixels: rgb)
    }
}
