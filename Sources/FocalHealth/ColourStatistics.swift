import FocalDatasets
import FocalImages
import Foundation

/// Simple colour statistics of an image or of the boxes of one concept in it:
/// a 12-bin hue histogram over its coloured pixels, how much of it is coloured,
/// and how bright it is. Plain numbers that put a feature-space gap into words
/// ("the far test apples are red; every training apple is green").
public struct ColourStatistics: Codable, Sendable, Equatable {
    /// The 12 hue bins, 30° wide and centred on these names (red at 0°).
    public static let hueNames = ["red", "orange", "yellow", "yellow-green", "green", "green-cyan",
                                  "cyan", "azure", "blue", "violet", "magenta", "pink"]
    /// Pixels with HSV saturation and value at least these count as coloured
    /// (below, hue is noise: greys, whites, near-blacks).
    static let minimumSaturation = 0.25, minimumValue = 0.2

    /// Share of coloured pixels in each hue bin (sums to 1, or all 0 with no coloured pixel).
    public var hues: [Double]
    /// Share of pixels that are coloured.
    public var colourful: Double
    /// Mean HSV value (0 black … 1 white).
    public var brightness: Double
    /// Pixels measured.
    public var pixels: Int

    public init(hues: [Double], colourful: Double, brightness: Double, pixels: Int) {
        self.hues = hues
        self.colourful = colourful
        self.brightness = brightness
        self.pixels = pixels
    }

    /// The statistics of the pixels of `image` inside `boxes` (all of it when empty).
    public init(_ image: RGBImage, boxes: [(x: Int, y: Int, width: Int, height: Int)] = []) {
        var counts = [Double](repeating: 0, count: 12)
        var coloured = 0, total = 0, valueSum = 0.0
        let areas = boxes.isEmpty ? [(0, 0, image.width, image.height)] : boxes.map { ($0.x, $0.y, $0.width, $0.height) }
        var seen = Set<Int>()
        for (bx, by, bw, bh) in areas {
            for y in max(0, by)..<min(image.height, by + bh) {
                for x in max(0, bx)..<min(image.width, bx + bw) where seen.insert(y * image.width + x).inserted {
                    let (r, g, b) = image[x, y]
                    let (hue, saturation, value) = Self.hsv(Double(r) / 255, Double(g) / 255, Double(b) / 255)
                    total += 1
                    valueSum += value
                    guard saturation >= Self.minimumSaturation, value >= Self.minimumValue else { continue }
                    coloured += 1
                    counts[Int(((hue + 15).truncatingRemainder(dividingBy: 360)) / 30) % 12] += 1
                }
            }
        }
        hues = counts.map { coloured > 0 ? $0 / Double(coloured) : 0 }
        colourful = total > 0 ? Double(coloured) / Double(total) : 0
        brightness = total > 0 ? valueSum / Double(total) : 0
        pixels = total
    }

    /// Hue in degrees (0..<360), saturation and value in 0...1.
    static func hsv(_ r: Double, _ g: Double, _ b: Double) -> (Double, Double, Double) {
        let high = max(r, g, b), low = min(r, g, b), spread = high - low
        guard spread > 0 else { return (0, 0, high) }
        var hue: Double
        if high == r { hue = 60 * ((g - b) / spread) } else if high == g { hue = 60 * ((b - r) / spread + 2) } else { hue = 60 * ((r - g) / spread + 4) }
        if hue < 0 { hue += 360 }
        return (hue, spread / high, high)
    }

    /// The mean of several (each weighs the same), nil for none.
    public static func mean(_ all: [ColourStatistics]) -> ColourStatistics? {
        guard !all.isEmpty else { return nil }
        let n = Double(all.count)
        return ColourStatistics(hues: (0..<12).map { h in all.map { $0.hues[h] }.reduce(0, +) / n },
                                colourful: all.map(\.colourful).reduce(0, +) / n,
                                brightness: all.map(\.brightness).reduce(0, +) / n,
                                pixels: all.map(\.pixels).reduce(0, +))
    }

    /// The main hue in words: "green", or "green and yellow" when two bins share most.
    public var dominantHue: String {
        let order = hues.indices.sorted { hues[$0] > hues[$1] }
        guard hues[order[0]] > 0 else { return "grey" }
        return hues[order[1]] >= 0.5 * hues[order[0]] ? "\(Self.hueNames[order[0]]) and \(Self.hueNames[order[1]])" : Self.hueNames[order[0]]
    }

    /// How `self` (a group of images) differs from `reference`, in words: the
    /// hue whose share grew most, or brightness or colourfulness when those
    /// differ more. nil when nothing differs by much.
    public func difference(from reference: ColourStatistics, noun: String, referenceNoun: String) -> String? {
        let excess = hues.indices.map { hues[$0] - reference.hues[$0] }
        let hue = excess.indices.max { excess[$0] < excess[$1] }!
        let candidates: [(Double, String)] = [
            (excess[hue], "\(noun) are more \(Self.hueNames[hue]) (\(percent(hues[hue])) of their coloured pixels, against \(percent(reference.hues[hue])) in \(referenceNoun))"),
            (abs(brightness - reference.brightness) * 1.5, "\(noun) are \(brightness < reference.brightness ? "darker" : "brighter") (mean brightness \(number(brightness, digits: 2)) against \(number(reference.brightness, digits: 2)) in \(referenceNoun))"),
            (abs(colourful - reference.colourful), "\(noun) are \(colourful < reference.colourful ? "greyer" : "more colourful") (\(percent(colourful)) coloured pixels against \(percent(reference.colourful)) in \(referenceNoun))"),
        ]
        let best = candidates.max { $0.0 < $1.0 }!
        return best.0 >= 0.1 ? best.1 : nil
    }
}

/// One image's colour statistics: of the whole image, and of the boxes of
/// each concept the image has regions for.
public struct ImageColours: Sendable {
    public var whole: ColourStatistics
    public var byConcept: [String: ColourStatistics]

    /// The concept's boxes when the image has any, else the whole image.
    public func of(_ concept: String) -> ColourStatistics { byConcept[concept] ?? whole }
}

/// Colour statistics of dataset images, each decoded once, small (JPEG DCT
/// scaling to a shorter side of at least 64 px: colour shares do not need
/// detail), in parallel. Unreadable images are nil (the featurizer reports them).
public struct ColourSampler: Sendable {
    public static let shorterSide = 64

    public init() {}

    public func statistics(_ samples: [Sample]) -> [ImageColours?] {
        var options = ImageDecoder.Options()
        options.minimumShorterSide = Self.shorterSide
        let decoder = ImageDecoder(options: options)
        var out = [ImageColours?](repeating: nil, count: samples.count)
        out.withUnsafeMutableBufferPointer { buffer in
            DispatchQueue.concurrentPerform(iterations: samples.count) { i in
                let sample = samples[i]
                guard let data = FileManager.default.contents(atPath: sample.path) else { return }
                let bytes = [UInt8](data)
                guard let size = try? decoder.size(of: bytes), let image = try? decoder.decode(bytes), size.width > 0 else { return }
                let scale = Double(image.width) / Double(size.width)
                var byConcept: [String: ColourStatistics] = [:]
                for concept in Set(sample.regions.map(\.concept)) {
                    let boxes = sample.regions.filter { $0.concept == concept }.map {
                        (x: Int(Double($0.x) * scale), y: Int(Double($0.y) * scale),
                         width: max(1, Int((Double($0.width) * scale).rounded(.up))),
                         height: max(1, Int((Double($0.height) * scale).rounded(.up))))
                    }
                    byConcept[concept] = ColourStatistics(image, boxes: boxes)
                }
                buffer[i] = ImageColours(whole: ColourStatistics(image), byConcept: byConcept)
            }
        }
        return out
    }
}
