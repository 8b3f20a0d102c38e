import FocalFiles
import FocalImages
import FocalNumerics
import Foundation

/// Real cut-outs that replace drawn elements: `DIR/<element>/*.png`, RGBA PNGs
/// whose transparent pixels are not part of the element. With them a person
/// builds scenes from their own photos (their veils, their bouquets) while the
/// generator still controls co-occurrence, placement and labels. The mask of a
/// composited cut-out is its alpha (≥ 50 %), so boxes stay exact.
///
/// A `background` folder may hold photos (JPEG or PNG) that replace drawn backgrounds.
public final class Cutouts: @unchecked Sendable {
    public let folder: String
    /// Element name → images, in sorted file-name order (so choices depend only on the seed).
    public private(set) var images: [String: [RGBAImage]] = [:]
    public private(set) var files: [String: [String]] = [:]

    /// Loads the subfolders of `folder` named after `elements` (others are ignored).
    public init(folder: String, elements: [String]) throws {
        self.folder = folder
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError(path: folder, reason: "no such folder")
        }
        let decoder = ImageDecoder()
        for element in elements + ["background"] {
            let dir = folder + "/" + element
            guard let names = try? fm.contentsOfDirectory(atPath: dir) else { continue }
            let allowed: Set<String> = element == "background" ? ImageFormat.fileExtensions : ["png"]
            let picked = names.filter { !$0.hasPrefix(".") && allowed.contains(($0 as NSString).pathExtension.lowercased()) }
                .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            var loaded: [RGBAImage] = []
            for name in picked {
                let image = try decoder.decodeRGBA(path: dir + "/" + name)
                guard let trimmed = Cutouts.trimmed(image) else {
                    throw FileError(path: dir + "/" + name, reason: "the cut-out is fully transparent")
                }
                loaded.append(trimmed)
            }
            if !loaded.isEmpty {
                images[element] = loaded
                files[element] = picked.map { dir + "/" + $0 }
            }
        }
    }

    /// The elements that have cut-outs.
    public var elements: [String] { images.keys.sorted() }

    /// A random cut-out for `element`, or nil to draw it.
    public func pick(_ element: String, _ random: inout SplitMix64) -> RGBAImage? {
        guard let list = images[element], !list.isEmpty else { return nil }
        return list[random.int(0..<list.count)]
    }

    /// The image cropped to its pixels with alpha ≥ 128 (the part that becomes the mask).
    static func trimmed(_ image: RGBAImage) -> RGBAImage? {
        var minX = image.width, minY = image.height, maxX = -1, maxY = -1
        for y in 0..<image.height {
            for x in 0..<image.width where image.pixels[4 * (y * image.width + x) + 3] >= 128 {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        guard maxX >= 0 else { return nil }
        if minX == 0 && minY == 0 && maxX == image.width - 1 && maxY == image.height - 1 { return image }
        let w = maxX - minX + 1, h = maxY - minY + 1
        var out = [UInt8](repeating: 0, count: w * h * 4)
        for y in 0..<h {
            let from = 4 * ((minY + y) * image.width + minX)
            out.replaceSubrange((4 * y * w)..<(4 * (y + 1) * w), with: image.pixels[from..<(from + 4 * w)])
        }
        return RGBAImage(width: w, height: h, pixels: out)
    }
}

extension Canvas {
    /// Composites a cut-out so that its longer side is `size` pixels, centred
    /// at `center`, mirrored half of the time, into the current element.
    public func place(_ image: RGBAImage, center: (Float, Float), size: Float, random: inout SplitMix64) {
        let scale = size / Float(max(image.width, image.height))
        let w = Float(image.width) * scale, h = Float(image.height) * scale
        composite(image, into: Box(x0: center.0 - w / 2, y0: center.1 - h / 2, x1: center.0 + w / 2, y1: center.1 + h / 2),
                  flip: random.chance(0.5))
    }

    /// Fills the canvas with a photo, scaled to cover it and centre-cropped.
    public func placeBackground(_ image: RGBAImage) {
        let s = max(Float(width) / Float(image.width), Float(height) / Float(image.height))
        let w = Float(image.width) * s, h = Float(image.height) * s
        let x0 = (Float(width) - w) / 2, y0 = (Float(height) - h) / 2
        composite(image, into: Box(x0: x0, y0: y0, x1: x0 + w, y1: y0 + h))
    }
}
