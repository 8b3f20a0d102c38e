import _FocalCodecShims

extension ImageDecoder {
    /// The upright size of an image (EXIF orientation applied when the options
    /// say so), read from its header without decoding pixels.
    public func size(of bytes: [UInt8]) throws -> (width: Int, height: Int) {
        if bytes.isEmpty { throw ImageError(.empty, "empty file (0 bytes)") }
        switch ImageFormat(sniffing: bytes) {
        case .png:
            // Signature (8), IHDR length (4) and type (4), then width and height, big-endian.
            guard bytes.count >= 24, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
                throw ImageError(.corrupt, "PNG: no IHDR header")
            }
            func u32(_ i: Int) -> Int { bytes[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
            return (u32(16), u32(20))
        case .jpeg:
            var error = [CChar](repeating: 0, count: Int(FOCAL_ERROR_CAPACITY))
            var header = focal_jpeg_header()
            let status = bytes.withUnsafeBufferPointer {
                focal_jpeg_read_header($0.baseAddress, $0.count, &header, &error, error.count)
            }
            guard status == 0 else { throw ImageError(.corrupt, "JPEG: " + String(cString: error)) }
            var orientation = ExifOrientation.up
            if let exif = header.exif {
                orientation = ExifOrientation(exif: Array(UnsafeBufferPointer(start: exif, count: header.exif_size)))
                focal_free(exif)
            }
            let (w, h) = (Int(header.width), Int(header.height))
            return options.appliesOrientation && orientation.swapsAxes ? (h, w) : (w, h)
        case nil:
            throw ImageError(.unknownFormat, "not a JPEG or PNG image")
        }
    }

    public func size(path: String) throws -> (width: Int, height: Int) {
        do {
            return try size(of: readFileBytes(path))
        } catch let error as ImageError {
            throw error.path == nil ? error.at(path) : error
        }
    }
}
