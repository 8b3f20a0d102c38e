import FocalFiles
import FocalImages
import Foundation

/// The folder a report is written into: `index.html` and, beside it, the
/// pictures it shows in `images/`. Every file is written atomically; the page
/// refers to pictures by relative paths, so the folder can be moved or opened
/// offline.
public final class ReportFolder {
    public let path: String
    /// Longest side of gallery thumbnails, in pixels.
    public var thumbnailSide = 176
    var thumbnails: [String: String] = [:]
    var written = 0
    var writtenNames: Set<String> = []

    public init(path: String) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: path + "/images", withIntermediateDirectories: true)
        } catch {
            throw FileError(path: path, reason: "cannot create the report folder: \(error.localizedDescription)")
        }
    }

    public var indexPath: String { path + "/index.html" }

    /// A small JPEG of the image at `imagePath` in images/, by its relative
    /// path; nil when the image cannot be read (the gallery says so instead).
    /// The same source image is written once per folder.
    public func thumbnail(of imagePath: String) -> String? {
        if let done = thumbnails[imagePath] { return done }
        guard let image = try? ImageDecoder().decode(path: imagePath), image.width > 0, image.height > 0 else { return nil }
        let scale = min(1, Double(thumbnailSide) / Double(max(image.width, image.height)))
        let small = scale < 1
            ? Resampling.bilinear(image, width: max(1, Int((Double(image.width) * scale).rounded())),
                                  height: max(1, Int((Double(image.height) * scale).rounded())))
            : image
        guard let bytes = try? ImageEncoder.jpeg(small, quality: 85), let src = try? add(bytes, extension: "jpg") else { return nil }
        thumbnails[imagePath] = src
        return src
    }

    /// Writes a picture into images/ as PNG (lossless, for rendered pictures with text) and returns its relative path.
    public func picture(_ image: RGBImage) throws -> String {
        try add(try ImageEncoder.png(image), extension: "png")
    }

    /// Writes bytes as the next numbered file in images/; the names never come from data.
    public func add(_ bytes: [UInt8], extension ext: String) throws -> String {
        written += 1
        let relative = String(format: "images/%04d.%@", written, ext)
        try AtomicFile.write(bytes, to: path + "/" + relative)
        writtenNames.insert((relative as NSString).lastPathComponent)
        return relative
    }

    /// Writes the page as index.html and returns its path. Pictures an earlier
    /// report left in images/ (numbered names this run did not write) are removed,
    /// so a folder reused for a smaller report holds only what its page shows.
    @discardableResult
    public func write(_ page: ReportPage) throws -> String {
        try AtomicFile.write(page.html, to: indexPath)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path + "/images")) ?? []
        for name in names where Self.isPictureName(name) && !writtenNames.contains(name) {
            try? FileManager.default.removeItem(atPath: path + "/images/" + name)
        }
        return indexPath
    }

    /// "0007.jpg", "0012.png": the names `add` gives.
    static func isPictureName(_ name: String) -> Bool {
        let parts = name.split(separator: ".")
        return parts.count == 2 && parts[0].count == 4 && parts[0].allSatisfy(\.isNumber) && ["jpg", "png"].contains(parts[1])
    }
}
