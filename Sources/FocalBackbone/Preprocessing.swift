import FocalImages

/// How an image becomes the network's input, exactly as the reference did it:
/// shorter side to 256 with Pillow's BILINEAR, centre crop 224×224, then
/// x = (pixel − 127) / 128 on every channel (the Lite convention).
public struct Preprocessing: Sendable {
    public static let resizeShorterSide = 256
    public static let cropSize = Architecture.inputSize
    /// Part of every cached embedding's key: change it when any step changes.
    public static let version = "pil-bilinear-256-crop-224-x127d128-v1"

    /// When true, JPEGs are always decoded at full size (the exact reference).
    /// Otherwise large JPEGs are scaled in the DCT while the decoded shorter side
    /// stays at least twice the resize target (512): measured on 83 photos this
    /// keeps the embedding's cosine to the reference at 0.9995 on average.
    public var exact: Bool

    /// Where files are read and decoded (a test's spy counts them).
    package var reader = ImageReader.files

    public init(exact: Bool = false) {
        self.exact = exact
    }

    /// What an embedding store adds to the backbone's identity: embeddings of
    /// the exact and the DCT-reduced decodes differ, so they are kept apart.
    public var storeKeySuffix: String { exact ? "/exact" : "/dct512" }

    public var decoder: ImageDecoder {
        var options = ImageDecoder.Options()
        options.minimumShorterSide = exact ? nil : 2 * Self.resizeShorterSide
        return ImageDecoder(options: options)
    }

    /// Decoded, resized and cropped: the 224×224 RGB image the network sees.
    public func networkImage(_ image: RGBImage) -> RGBImage {
        image.resized(shorterSide: Self.resizeShorterSide, centerCroppedTo: (Self.cropSize, Self.cropSize))
    }

    /// The s×s input at another scale: shorter side to `shorterSide(forCrop: s)`, centre crop s×s.
    public func networkImage(_ image: RGBImage, side: Int) -> RGBImage {
        image.resized(shorterSide: Self.shorterSide(forCrop: side), centerCroppedTo: (side, side))
    }

    /// The shorter side an s×s crop is cut from: 256 for 224, in that proportion otherwise.
    public static func shorterSide(forCrop side: Int) -> Int {
        side == cropSize ? resizeShorterSide : Int((Double(side) * Double(resizeShorterSide) / Double(cropSize)).rounded())
    }

    public func networkImage(path: String) throws -> RGBImage {
        networkImage(try reader.decode(path: path, with: decoder))
    }

    /// A 224×224 RGB image as normalised channel-last floats.
    public static func normalize(_ image: RGBImage, into output: UnsafeMutablePointer<Float>) {
        precondition(image.width == cropSize && image.height == cropSize, "network input must be 224x224")
        image.pixels.withUnsafeBufferPointer { p in
            for i in 0..<p.count { output[i] = (Float(p[i]) - 127) / 128 }
        }
    }

    /// An image of any size as normalised channel-last floats.
    public static func normalize(_ image: RGBImage) -> [Float] {
        image.pixels.map { (Float($0) - 127) / 128 }
    }
}
