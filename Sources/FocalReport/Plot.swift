import Foundation

/// A line or point plot as inline SVG: axes with ticks and labels, series as
/// polylines, steps or circles, and a legend. Data coordinates map linearly
/// into the plot area inside the margins (y grows upwards).
public struct Plot: Sendable {
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        /// Circle radius for `.points` series (pixels).
        public var radius: Double

        public init(x: Double, y: Double, radius: Double = 3) {
            self.x = x
            self.y = y
            self.radius = radius
        }
    }

    public enum Style: Sendable {
        /// Straight segments between the points.
        case line
        /// Each point's y held from the previous point's x to its own (the step
        /// function whose area is average precision), starting from x = 0.
        case steps
        case points
        /// A dashed straight line, for references such as the diagonal.
        case dashed
    }

    public struct Series: Sendable {
        public var name: String
        public var points: [Point]
        public var style: Style
        public var color: String

        public init(name: String, points: [Point], style: Style = .line, color: String = "#1f5fa8") {
            self.name = name
            self.points = points
            self.style = style
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xRange: ClosedRange<Double> = 0...1
    public var yRange: ClosedRange<Double> = 0...1
    public var width = 360.0
    public var height = 320.0
    public var margin = (left: 52.0, right: 16.0, top: 28.0, bottom: 60.0)
    /// Tick marks per axis, evenly spaced over the range (ends included).
    public var ticks = 5
    public var series: [Series]

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// Horizontal pixel of data x.
    public func pixelX(_ x: Double) -> Double {
        margin.left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * (width - margin.left - margin.right)
    }

    /// Vertical pixel of data y (top of the picture is 0).
    public func pixelY(_ y: Double) -> Double {
        height - margin.bottom - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * (height - margin.top - margin.bottom)
    }

    /// The vertices a series is drawn through, in data coordinates.
    public static func vertices(of series: Series) -> [Point] {
        guard series.style == .steps else { return series.points }
        var out: [Point] = [], previousX = 0.0
        for p in series.points {
            out.append(Point(x: previousX, y: p.y))
            out.append(Point(x: p.x, y: p.y))
            previousX = p.x
        }
        return out
    }

    public var svg: HTML {
        let left = margin.left, right = width - margin.right, top = margin.top, bottom = height - margin.bottom
        var parts: [HTML] = [
            .element("title", [:], HTML(title)),
            .element("text", ["x": Self.f(width / 2), "y": "18", "text-anchor": "middle", "font-weight": "bold"], HTML(title)),
            .void("rect", ["x": Self.f(left), "y": Self.f(top), "width": Self.f(right - left), "height": Self.f(bottom - top),
                           "fill": "none", "stroke": "#999"]),
        ]
        for i in 0...max(ticks - 1, 1) {
            let t = Double(i) / Double(max(ticks - 1, 1))
            let xv = xRange.lowerBound + t * (xRange.upperBound - xRange.lowerBound)
            let yv = yRange.lowerBound + t * (yRange.upperBound - yRange.lowerBound)
            let px = pixelX(xv), py = pixelY(yv)
            parts.append(.void("line", ["x1": Self.f(px), "y1": Self.f(bottom), "x2": Self.f(px), "y2": Self.f(bottom + 5), "stroke": "#666"]))
            parts.append(.element("text", ["x": Self.f(px), "y": Self.f(bottom + 18), "text-anchor": "middle"], HTML(Self.tick(xv))))
            parts.append(.void("line", ["x1": Self.f(left - 5), "y1": Self.f(py), "x2": Self.f(left), "y2": Self.f(py), "stroke": "#666"]))
            parts.append(.element("text", ["x": Self.f(left - 8), "y": Self.f(py + 4), "text-anchor": "end"], HTML(Self.tick(yv))))
        }
        parts.append(.element("text", ["class": "x-label", "x": Self.f((left + right) / 2), "y": Self.f(bottom + 36), "text-anchor": "middle"], HTML(xLabel)))
        parts.append(.element("text", ["class": "y-label", "x": "0", "y": "0", "text-anchor": "middle",
                                       "transform": "translate(14 \(Self.f((top + bottom) / 2))) rotate(-90)"], HTML(yLabel)))
        for s in series { parts.append(draw(s)) }
        // Legend: one swatch and name per series, in a row under the axis label.
        var legendX = left
        for s in series {
            parts.append(.void("rect", ["x": Self.f(legendX), "y": Self.f(height - 14), "width": "12", "height": "4", "fill": s.color]))
            parts.append(.element("text", ["x": Self.f(legendX + 16), "y": Self.f(height - 8)], HTML(s.name)))
            legendX += 24 + Double(s.name.count) * 7
        }
        return .element("svg", ["xmlns": "http://www.w3.org/2000/svg", "width": Self.f(width), "height": Self.f(height),
                                 "viewBox": "0 0 \(Self.f(width)) \(Self.f(height))", "role": "img"], children: parts)
    }

    func draw(_ s: Series) -> HTML {
        let vertices = Self.vertices(of: s)
        switch s.style {
        case .points:
            return .element("g", ["class": "series", "fill": s.color], children: vertices.map { p in
                .void("circle", ["cx": Self.f(pixelX(p.x)), "cy": Self.f(pixelY(p.y)), "r": Self.f(p.radius)])
            })
        case .line, .steps, .dashed:
            let points = vertices.map { "\(Self.f(pixelX($0.x))),\(Self.f(pixelY($0.y)))" }.joined(separator: " ")
            return s.style == .dashed
                ? .void("polyline", ["class": "series", "points": points, "fill": "none", "stroke": s.color, "stroke-width": "1", "stroke-dasharray": "4 4"])
                : .void("polyline", ["class": "series", "points": points, "fill": "none", "stroke": s.color, "stroke-width": "2"])
        }
    }

    /// Pixels with two decimals, trailing zeros dropped ("52", "63.5").
    static func f(_ x: Double) -> String {
        var s = String(format: "%.2f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    static func tick(_ v: Double) -> String {
        String(format: "%g", (v * 1000).rounded() / 1000)
    }
}
