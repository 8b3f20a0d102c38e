import FocalBackbone
import FocalImages

/// What an occluded patch is filled with (Captum's "baseline").
public enum Baseline: String, CaseIterable, Sendable, Codable {
    /// Mid-gray: pixel 127, which is exactly 0 in the network's input space.
    case gray
    /// The image's own mean colour.
    case mean
    /// A blurred copy of the image: removes detail, keeps colour and layout.
    case blur

    /// The baseline image as normalised network input, for a 224×224 image.
    public func input(for image: RGBImage) -> [Float] {
        switch self {
        case .gray:
            return [Float](repeating: 0, count: image.pixels.count)
        case .mean:
            var sums = [Double](repeating: 0, count: 3)
            for (i, p) in image.pixels.enumerated() { sums[i % 3] += Double(p) }
            let n = Double(image.width * image.height)
            let mean = sums.map { Float(($0 / n - 127) / 128) }
            return (0..<image.pixels.count).map { mean[$0 % 3] }
        case .blur:
            return Preprocessing.normalize(Self.blurred(image, radius: 8, passes: 3))
        }
    }

    /// Three box blurs approximate a Gaussian (σ ≈ radius); edges clamp.
    static func blurred(_ image: RGBImage, radius: Int, passes: Int) -> RGBImage {
        var values = image.pixels.map(Double.init)
        let w = image.width, h = image.height
        for _ in 0..<passes {
            values = boxBlur(values, w: w, h: h, radius: radius, horizontal: true)
            values = boxBlur(values, w: w, h: h, radius: radius, horizontal: false)
        }
        return RGBImage(width: w, height: h, pixels: values.map { UInt8(max(0, min(255, $0.rounded()))) })
    }

    static func boxBlur(_ v: [Double], w: Int, h: Int, radius r: Int, horizontal: Bool) -> [Double] {
        var out = v
        let (lines, length) = horizontal ? (h, w) : (w, h)
        for line in 0..<lines {
            func index(_ k: Int) -> Int { horizontal ? (line * w + k) * 3 : (k * w + line) * 3 }
            for c in 0..<3 {
                for k in 0..<length {
                    var total = 0.0
                    for d in -r...r { total += v[index(min(length - 1, max(0, k + d))) + c] }
                    out[index(k) + c] = total / Double(2 * r + 1)
                }
            }
        }
        return out
    }
}
