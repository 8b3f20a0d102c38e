import Foundation
import FocalImages

/// The picture of an occlusion explanation: the photo, the heatmap blended on
/// top of it, and the strongest evidence regions outlined and labelled.
///
/// Heatmap values are signed score drops: occluding a patch with a positive
/// value lowered the concept's score, so the patch is evidence *for* the
/// concept; a negative value means the patch argued *against* it. The colour
/// map (`ColorMap`) is diverging: positive values take the warm part of
/// matplotlib's perceptual "inferno" map (crimson → orange → yellow), negative
/// values a blue ramp of matching lightness (navy → azure → sky blue), and
/// zero is fully transparent. Opacity is proportional to |value| / max|value|
/// (reaching `maxOpacity` at the peak), so weak evidence barely tints the photo
/// and the strongest shows clearly without hiding what is under it; under the
/// colour the photo is drained of its own hue in the same proportion (see
/// `composite`). Lightness also rises with |value| on both sides, so strength
/// still reads in greyscale.
///
/// The network saw a centre crop, so the heatmap covers a box of the original
/// image (`heatmapBox`, in original pixels); it is resampled bilinearly onto
/// that box so cell edges do not show. Pictures larger than `maxSide` on their
/// longer side are first downscaled (keeping the aspect ratio, Pillow-compatible
/// antialiased bilinear), and every box is scaled with them.
///
/// With `legend` on, a colour-bar strip of `legendHeight` rows is appended
/// below the picture; the picture itself is never covered by it.
public struct HeatmapOverlay: Sendable {
    /// A rectangle in pixels: left, top, width, height.
    public typealias Box = (x: Int, y: Int, width: Int, height: Int)

    /// An area to outline, in original-image pixels, with its caption.
    public struct Region: Sendable {
        public var box: Box
        /// One line of printable ASCII, e.g. "1 VEIL 41%"; other characters draw as `?`.
        public var label: String
        /// 1 for the strongest region; chooses the outline colour (`rankColor`).
        public var rank: Int

        public init(box: Box, label: String, rank: Int) {
            self.box = box
            self.label = label
            self.rank = rank
        }
    }

    /// The longest side of the picture; larger images are downscaled, smaller ones kept as they are.
    public var maxSide: Int
    /// The opacity of the strongest heatmap value (0...1).
    public var maxOpacity: Double
    /// Whether to append a colour-bar strip below the picture.
    public var legend: Bool

    public init(maxSide: Int = 768, maxOpacity: Double = 0.6, legend: Bool = true) {
        precondition(maxSide >= 1, "maxSide must be positive")
        precondition((0...1).contains(maxOpacity), "maxOpacity must be within 0...1")
        self.maxSide = maxSide
        self.maxOpacity = maxOpacity
        self.legend = legend
    }

    /// The size of the picture part of the output for an image of `width`×`height`
    /// (the legend, if any, adds `legendHeight(forWidth:height:)` rows below).
    public func pictureSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let longer = max(width, height)
        guard longer > maxSide else { return (width, height) }
        let factor = Double(maxSide) / Double(longer)
        return (max(1, Int((Double(width) * factor).rounded())), max(1, Int((Double(height) * factor).rounded())))
    }

    /// Rows the legend adds below a picture of this size, as `pictureSize` gives it (0 when `legend` is off).
    public func legendHeight(forWidth width: Int, height: Int) -> Int {
        legend ? Legend(style: Style(width: width, height: height)).height : 0
    }

    /// Renders the explanation picture.
    ///
    /// - Parameters:
    ///   - heatmap: `heatmapWidth × heatmapHeight` values, row-major; non-finite values count as 0.
    ///   - heatmapBox: the part of `image` the heatmap covers, in original pixels.
    ///   - regions: outlined in rank colours; rank 1 is drawn last so it stays on top.
    public func render(image: RGBImage, heatmap: [Double], heatmapWidth: Int, heatmapHeight: Int,
                       heatmapBox: Box, regions: [Region]) -> RGBImage {
        precondition(heatmapWidth >= 1 && heatmapHeight >= 1 && heatmap.count == heatmapWidth * heatmapHeight,
                     "heatmap of \(heatmap.count) values is not \(heatmapWidth)x\(heatmapHeight)")
        precondition(image.width >= 1 && image.height >= 1, "cannot render an empty image")
        let size = pictureSize(width: image.width, height: image.height)
        var picture = size == (image.width, image.height)
            ? image : Resampling.bilinear(image, width: size.width, height: size.height)
        let scaling = Scaling(from: (image.width, image.height), to: size)
        let peak = heatmap.reduce(0) { $1.isFinite ? max($0, abs($1)) : $0 }
        if peak > 0 {
            blend(heatmap, width: heatmapWidth, height: heatmapHeight, peak: peak,
                  into: &picture, box: scaling.exact(heatmapBox))
        }
        let style = Style(width: size.width, height: size.height)
        let placed = Self.layout(regions, scaling: scaling, style: style, width: size.width, height: size.height)
        for region in placed { region.drawOutline(into: &picture, lineWidth: style.lineWidth) }
        for region in placed { region.drawLabel(into: &picture, scale: style.textScale) }
        guard legend else { return picture }
        return Legend(style: style).appended(to: picture, peak: peak)
    }

    /// Blends the heatmap, resampled bilinearly with cell centres at the centres of
    /// their areas (values clamp at the edges), over the pixels whose centres lie in `box`.
    private func blend(_ heatmap: [Double], width hw: Int, height hh: Int, peak: Double,
                       into picture: inout RGBImage, box: (x: Double, y: Double, width: Double, height: Double)) {
        guard box.width > 0, box.height > 0 else { return }
        let columns = Self.pixelSpan(start: box.x, length: box.width, limit: picture.width)
        let rows = Self.pixelSpan(start: box.y, length: box.height, limit: picture.height)
        guard !columns.isEmpty, !rows.isEmpty else { return }
        let xTaps = columns.map { Self.tap((Double($0) + 0.5 - box.x) * Double(hw) / box.width - 0.5, cells: hw) }
        let width = picture.width
        let values = heatmap.map { $0.isFinite ? $0 / peak : 0 }
        picture.pixels.withUnsafeMutableBufferPointer { p in
            for y in rows {
                let (y0, y1, fy) = Self.tap((Double(y) + 0.5 - box.y) * Double(hh) / box.height - 0.5, cells: hh)
                for (i, x) in columns.enumerated() {
                    let (x0, x1, fx) = xTaps[i]
                    let top = values[y0 * hw + x0] * (1 - fx) + values[y0 * hw + x1] * fx
                    let bottom = values[y1 * hw + x0] * (1 - fx) + values[y1 * hw + x1] * fx
                    let t = top * (1 - fy) + bottom * fy
                    guard t != 0 else { continue }
                    let o = (y * width + x) * 3
                    let under = PixelColor(p[o], p[o + 1], p[o + 2])
                    let over = Self.composite(under, t: t, maxOpacity: maxOpacity)
                    p[o] = over.r; p[o + 1] = over.g; p[o + 2] = over.b
                }
            }
        }
    }

    /// Pixels whose centres lie in `start..<start+length`, within `0..<limit`.
    private static func pixelSpan(start: Double, length: Double, limit: Int) -> Range<Int> {
        let first = max(0, Int((start - 0.5).rounded(.up)))
        let end = min(limit, Int((start + length - 0.5).rounded(.up)))
        return first < end ? first..<end : 0..<0
    }

    /// The two cells to interpolate between for position `u` (in cells) and the weight of the second.
    private static func tap(_ u: Double, cells: Int) -> (Int, Int, Double) {
        let clamped = min(max(u, 0), Double(cells - 1))
        let i = min(Int(clamped), cells - 1)
        return (i, min(i + 1, cells - 1), clamped - Double(i))
    }

    /// One pixel of the overlay for heatmap value t (in -1...1). The photo's own
    /// colour is first drained towards its grey in proportion to |t|, then the
    /// map's colour is laid on at opacity `maxOpacity`·|t|. Without the draining,
    /// blue over brown wood averages to grey and orange over an orange cup is
    /// invisible; with it, the hue always says which way the evidence points,
    /// the photo keeps its light and shade, and where t is 0 it is untouched.
    static func composite(_ under: PixelColor, t: Double, maxOpacity: Double) -> PixelColor {
        let strength = min(abs(t), 1), alpha = maxOpacity * strength
        let color = ColorMap.color(t), grey = under.luma
        func channel(_ u: UInt8, _ c: UInt8) -> UInt8 {
            let drained = Double(u) + strength * (grey - Double(u))
            return UInt8(min(255, max(0, (drained + alpha * (Double(c) - drained)).rounded())))
        }
        return PixelColor(channel(under.r, color.r), channel(under.g, color.g), channel(under.b, color.b))
    }

    static func mix(_ under: UInt8, _ over: UInt8, _ alpha: Double) -> UInt8 {
        UInt8(min(255, max(0, (Double(under) + alpha * (Double(over) - Double(under))).rounded())))
    }
}

// MARK: - Colours

extension HeatmapOverlay {
    /// The diverging heatmap colour map, for t in -1...1 (t = value / max|value|).
    ///
    /// Warm side: inferno sampled from 0.4 to 0.9; cool side: a blue ramp whose
    /// lightness rises like inferno's. Inferno's palest end (0.9–1.0) is left
    /// out because, blended over a photo, it reads as a white haze rather than
    /// as "strong". The colour at t = 0 never shows: its opacity is zero.
    public enum ColorMap {
        static let warm: [PixelColor] = [
            PixelColor(147, 38, 103), PixelColor(188, 55, 84), PixelColor(221, 81, 58), PixelColor(243, 120, 25),
            PixelColor(252, 165, 10), PixelColor(246, 215, 70),
        ]
        static let cool: [PixelColor] = [
            PixelColor(48, 60, 170), PixelColor(36, 98, 200), PixelColor(22, 132, 214), PixelColor(30, 165, 220),
            PixelColor(70, 195, 235), PixelColor(120, 220, 250),
        ]

        public static func color(_ t: Double) -> PixelColor {
            let stops = t < 0 ? cool : warm
            let position = min(abs(t), 1) * Double(stops.count - 1)
            let i = min(Int(position), stops.count - 2)
            let f = position - Double(i)
            let a = stops[i], b = stops[i + 1]
            return PixelColor(HeatmapOverlay.mix(a.r, b.r, f), HeatmapOverlay.mix(a.g, b.g, f), HeatmapOverlay.mix(a.b, b.b, f))
        }
    }

    /// Outline colours by rank (1, 2, ...; cycling after 8): saturated or light
    /// hues away from the heatmap's crimson-to-yellow and blue ramps, so an
    /// outline never disappears into the overlay beneath it.
    public static let rankColors: [PixelColor] = [
        PixelColor(0, 230, 118), PixelColor(255, 64, 200), PixelColor(255, 255, 255), PixelColor(160, 110, 255),
        PixelColor(200, 255, 60), PixelColor(0, 160, 150), PixelColor(255, 150, 180), PixelColor(190, 190, 190),
    ]

    public static func rankColor(_ rank: Int) -> PixelColor {
        let n = rankColors.count
        return rankColors[((rank - 1) % n + n) % n]
    }
}

// MARK: - Geometry

extension HeatmapOverlay {
    /// Original-image coordinates to picture coordinates.
    struct Scaling {
        var x: Double
        var y: Double
        var width: Int
        var height: Int

        init(from source: (Int, Int), to target: (width: Int, height: Int)) {
            x = Double(target.width) / Double(source.0)
            y = Double(target.height) / Double(source.1)
            width = target.width
            height = target.height
        }

        func exact(_ box: Box) -> (x: Double, y: Double, width: Double, height: Double) {
            (Double(box.x) * x, Double(box.y) * y, Double(box.width) * x, Double(box.height) * y)
        }

        /// `box` scaled, edges rounded to whole pixels (at least one pixel wide
        /// and high) and clipped to the picture; nil when nothing is left.
        func pixels(_ box: Box) -> Box? {
            let left = Int((Double(box.x) * x).rounded()), top = Int((Double(box.y) * y).rounded())
            let right = max(left + 1, Int((Double(box.x + box.width) * x).rounded()))
            let bottom = max(top + 1, Int((Double(box.y + box.height) * y).rounded()))
            let x0 = max(0, left), y0 = max(0, top), x1 = min(width, right), y1 = min(height, bottom)
            return x0 < x1 && y0 < y1 ? (x0, y0, x1 - x0, y1 - y0) : nil
        }
    }

    /// Line and text sizes that stay legible from thumbnails up to `maxSide`.
    struct Style {
        var lineWidth: Int
        var textScale: Int
        var padding: Int

        init(width: Int, height: Int) {
            let longer = max(width, height)
            lineWidth = longer >= 400 ? 3 : 2
            textScale = longer >= 480 ? 2 : 1
            padding = textScale + 1
        }
    }

    /// A region in picture pixels with its label box placed.
    struct PlacedRegion {
        var outline: Box
        var frame: Box
        var text: String
        var color: PixelColor
        var padding: Int

        var textColor: PixelColor { color.luma > 140 ? .black : .white }

        func drawOutline(into picture: inout RGBImage, lineWidth: Int) {
            let (x, y, w, h) = outline
            let t = min(lineWidth, w, h)
            Raster.fill(&picture, x: x, y: y, width: w, height: t, color: color)
            Raster.fill(&picture, x: x, y: y + h - t, width: w, height: t, color: color)
            Raster.fill(&picture, x: x, y: y, width: t, height: h, color: color)
            Raster.fill(&picture, x: x + w - t, y: y, width: t, height: h, color: color)
        }

        func drawLabel(into picture: inout RGBImage, scale: Int) {
            Raster.fill(&picture, x: frame.x, y: frame.y, width: frame.width, height: frame.height, color: color)
            BitmapFont.draw(text, into: &picture, x: frame.x + padding, y: frame.y + padding, color: textColor, scale: scale)
        }
    }

    /// Regions scaled to the picture and drawing order (highest rank number first,
    /// so rank 1 ends on top). Each label box sits on the outline's top-left corner,
    /// just above it when there is room and otherwise just inside it, shifted left
    /// if it would cross the right edge; a label wider than the picture loses
    /// characters from its end. Every label box therefore lies inside the picture.
    static func layout(_ regions: [Region], scaling: Scaling, style: Style, width: Int, height: Int) -> [PlacedRegion] {
        let order = regions.indices.sorted { a, b in
            regions[a].rank != regions[b].rank ? regions[a].rank > regions[b].rank : a > b
        }
        return order.compactMap { index -> PlacedRegion? in
            let region = regions[index]
            guard let outline = scaling.pixels(region.box) else { return nil }
            let pad = style.padding
            var text = region.label
            while !text.isEmpty && BitmapFont.size(of: text, scale: style.textScale).width + 2 * pad > width {
                text.removeLast()
            }
            let textSize = BitmapFont.size(of: text, scale: style.textScale)
            let frameWidth = min(width, textSize.width + 2 * pad)
            let frameHeight = min(height, textSize.height + 2 * pad)
            let x = min(max(0, outline.x), width - frameWidth)
            let above = outline.y - frameHeight
            let y = above >= 0 ? above : min(outline.y, height - frameHeight)
            return PlacedRegion(outline: outline, frame: (x, y, frameWidth, frameHeight), text: text,
                                color: rankColor(region.rank), padding: pad)
        }
    }
}

// MARK: - Legend

extension HeatmapOverlay {
    /// A strip below the picture: the colour bar from −max (left) to +max (right),
    /// drawn with opacity |t| over the strip's background so that its middle
    /// fades to nothing exactly as zero does in the picture, and captions
    /// "−max against", "0", "for +max".
    struct Legend {
        static let background = PixelColor(28, 28, 28)
        static let ink = PixelColor(225, 225, 225)
        var style: Style

        var barHeight: Int { 6 * style.textScale }
        var textHeight: Int { BitmapFont.glyphHeight * style.textScale }
        var height: Int { style.padding * 3 + barHeight + textHeight + style.padding }

        func appended(to picture: RGBImage, peak: Double) -> RGBImage {
            let w = picture.width
            var strip = RGBImage(width: w, height: height, color: (Self.background.r, Self.background.g, Self.background.b))
            let margin = style.padding * 2
            let barTop = style.padding * 2
            let barWidth = max(1, w - 2 * margin)
            for i in 0..<barWidth {
                let t = -1 + 2 * (Double(i) + 0.5) / Double(barWidth)
                let c = ColorMap.color(t), bg = Self.background, a = abs(t)
                let color = PixelColor(HeatmapOverlay.mix(bg.r, c.r, a), HeatmapOverlay.mix(bg.g, c.g, a),
                                       HeatmapOverlay.mix(bg.b, c.b, a))
                Raster.fill(&strip, x: margin + i, y: barTop, width: 1, height: barHeight, color: color)
            }
            let value = Self.format(peak)
            let textTop = barTop + barHeight + style.padding
            let s = style.textScale
            var left = "-\(value) against", right = "for +\(value)"
            let room = w - 2 * margin - BitmapFont.size(of: "0", scale: s).width - 4 * BitmapFont.advance * s
            if BitmapFont.size(of: left, scale: s).width + BitmapFont.size(of: right, scale: s).width > room {
                left = "-\(value)"
                right = "+\(value)"
            }
            BitmapFont.draw(left, into: &strip, x: margin, y: textTop, color: Self.ink, scale: s)
            BitmapFont.draw("0", into: &strip, x: (w - BitmapFont.size(of: "0", scale: s).width) / 2, y: textTop,
                            color: Self.ink, scale: s)
            BitmapFont.draw(right, into: &strip, x: w - margin - BitmapFont.size(of: right, scale: s).width, y: textTop,
                            color: Self.ink, scale: s)
            return RGBImage(width: w, height: picture.height + height, pixels: picture.pixels + strip.pixels)
        }

        /// Two significant digits, whole numbers from 10 up (no exponents for score drops).
        static func format(_ value: Double) -> String {
            value >= 10 ? String(Int(value.rounded())) : String(format: "%.2g", value)
        }
    }
}
