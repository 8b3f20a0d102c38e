import Foundation
import FocalImages

/// SLIC superpixels: an image cut into about `segments` compact regions that
/// follow colour edges, so that occluding one region hides one "thing" (a
/// petal, a strip of veil) rather than an arbitrary grid square.
///
/// The method (Achanta et al., "SLIC Superpixels Compared to State-of-the-Art
/// Superpixel Methods", 2012): k-means on (L*, a*, b*, x, y) where the distance
/// is colour distance² + (spatial distance / S)² · m², S being the seed grid
/// step and m the compactness (larger m: squarer regions; smaller m: tighter
/// colour fit). Seeds start on a regular grid and move to the lowest-gradient
/// pixel of their 3×3 neighbourhood so none starts on an edge; each centre only
/// claims pixels within 2S of it, which keeps an iteration linear in the pixel
/// count. k-means can leave a cluster in several pieces, so afterwards every
/// 4-connected piece is a segment of its own and pieces smaller than a quarter
/// of the expected segment size are merged into the adjacent segment of the
/// most similar mean colour. The result: every segment is one 4-connected
/// component, labels run 0..<count in raster order of their first pixel, and
/// the same image and parameters always give the same labels.
public struct Superpixels: Sendable {
    public let width: Int
    public let height: Int
    /// One label per pixel, row-major, in 0..<count.
    public let labels: [Int32]
    public let count: Int
    private let boxes: [Box]

    /// A segment's extent and size, gathered in one pass so queries are O(1).
    private struct Box: Sendable {
        var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min, pixels = 0
    }

    /// Segments `image` into about `segments` superpixels.
    ///
    /// - Parameters:
    ///   - compactness: m above, in CIELAB units per grid step; 10 suits photos.
    ///   - iterations: k-means rounds at most (it stops early once no pixel changes cluster).
    public init(image: RGBImage, segments: Int, compactness: Double = 10, iterations: Int = 10) {
        precondition(segments >= 1, "ask for at least one segment")
        precondition(compactness > 0, "compactness must be positive")
        precondition(iterations >= 0, "iterations cannot be negative")
        width = image.width
        height = image.height
        guard width > 0, height > 0 else {
            labels = []
            count = 0
            boxes = []
            return
        }
        let lab = LabImage(image)
        var clustering = SLICClustering(lab: lab, segments: segments, compactness: compactness)
        clustering.run(iterations: iterations)
        let minimumSize = max(1, width * height / (clustering.centerCount * 4))
        let regions = ConnectedRegions(clusters: clustering.labels, lab: lab, minimumSize: minimumSize)
        labels = regions.labels
        count = regions.count
        var boxes = [Box](repeating: Box(), count: regions.count)
        for y in 0..<height {
            for x in 0..<width {
                let s = Int(labels[y * width + x])
                boxes[s].minX = min(boxes[s].minX, x)
                boxes[s].maxX = max(boxes[s].maxX, x)
                boxes[s].minY = min(boxes[s].minY, y)
                boxes[s].maxY = max(boxes[s].maxY, y)
                boxes[s].pixels += 1
            }
        }
        self.boxes = boxes
    }

    /// Which pixels belong to `segment`, row-major.
    public func mask(_ segment: Int) -> [Bool] {
        precondition((0..<count).contains(segment), "no segment \(segment) among \(count)")
        let s = Int32(segment)
        return labels.map { $0 == s }
    }

    /// The smallest box holding every pixel of `segment`.
    public func boundingBox(_ segment: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        precondition((0..<count).contains(segment), "no segment \(segment) among \(count)")
        let b = boxes[segment]
        return (b.minX, b.minY, b.maxX - b.minX + 1, b.maxY - b.minY + 1)
    }

    /// How many pixels `segment` has.
    public func pixelCount(_ segment: Int) -> Int {
        precondition((0..<count).contains(segment), "no segment \(segment) among \(count)")
        return boxes[segment].pixels
    }
}

// MARK: - Colour space

/// An image in CIELAB (D65), where Euclidean distance roughly follows perceived
/// colour difference, which is what lets SLIC cut along visible edges. Planes
/// of Float rather than interleaved Doubles, so the distance loop vectorises.
struct LabImage {
    let width: Int
    let height: Int
    var l: [Float]
    var a: [Float]
    var b: [Float]

    init(_ image: RGBImage) {
        width = image.width
        height = image.height
        let linear = (0..<256).map { i -> Double in
            let c = Double(i) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        func f(_ t: Double) -> Double {
            t > 216.0 / 24389.0 ? cbrt(t) : (24389.0 / 27.0 * t + 16) / 116
        }
        let n = image.width * image.height
        var l = [Float](repeating: 0, count: n), a = l, b = l
        image.pixels.withUnsafeBufferPointer { rgb in
            for p in 0..<n {
                let r = linear[Int(rgb[3 * p])], g = linear[Int(rgb[3 * p + 1])], bl = linear[Int(rgb[3 * p + 2])]
                let fx = f((0.4124564 * r + 0.3575761 * g + 0.1804375 * bl) / 0.95047)
                let fy = f(0.2126729 * r + 0.7151522 * g + 0.0721750 * bl)
                let fz = f((0.0193339 * r + 0.1191920 * g + 0.9503041 * bl) / 1.08883)
                l[p] = Float(116 * fy - 16)
                a[p] = Float(500 * (fx - fy))
                b[p] = Float(200 * (fy - fz))
            }
        }
        self.l = l
        self.a = a
        self.b = b
    }

    /// Squared colour distance between pixels p and q.
    func distance(_ p: Int, _ q: Int) -> Float {
        let dl = l[p] - l[q], da = a[p] - a[q], db = b[p] - b[q]
        return dl * dl + da * da + db * db
    }
}

// MARK: - Clustering

/// The k-means part of SLIC: centres in (L*, a*, b*, x, y), each pixel labelled
/// with the nearest centre whose 2S window contains it.
struct SLICClustering {
    /// A cluster centre.
    struct Center {
        var l: Float, a: Float, b: Float, x: Float, y: Float
    }

    let lab: LabImage
    let stepX: Double
    let stepY: Double
    /// (m / S)²: converts squared pixel distance into colour-distance units.
    let spatialWeight: Float
    var centers: [Center]
    /// The cluster of each pixel; starts as the seed grid cell so every pixel always has one.
    var labels: [Int32]

    var centerCount: Int { centers.count }

    init(lab: LabImage, segments: Int, compactness: Double) {
        self.lab = lab
        let w = lab.width, h = lab.height
        let step = (Double(w * h) / Double(min(segments, w * h))).squareRoot()
        let columns = max(1, min(w, Int((Double(w) / step).rounded())))
        let rows = max(1, min(h, Int((Double(h) / step).rounded())))
        stepX = Double(w) / Double(columns)
        stepY = Double(h) / Double(rows)
        spatialWeight = Float(compactness * compactness / (stepX * stepY))
        var centers: [Center] = []
        centers.reserveCapacity(columns * rows)
        for j in 0..<rows {
            for i in 0..<columns {
                let (x, y) = Self.lowestGradient(lab, x: Int((Double(i) + 0.5) * stepX), y: Int((Double(j) + 0.5) * stepY))
                let p = y * w + x
                centers.append(Center(l: lab.l[p], a: lab.a[p], b: lab.b[p], x: Float(x), y: Float(y)))
            }
        }
        self.centers = centers
        var labels = [Int32](repeating: 0, count: w * h)
        for y in 0..<h {
            let j = min(rows - 1, Int(Double(y) / stepY))
            for x in 0..<w {
                labels[y * w + x] = Int32(j * columns + min(columns - 1, Int(Double(x) / stepX)))
            }
        }
        self.labels = labels
    }

    /// The pixel of least colour gradient in the 3×3 neighbourhood of (x, y), so
    /// a seed never sits on an edge or a speck of noise. A seed only moves for a
    /// strictly lower gradient (first in raster order), so on flat areas the grid stays regular.
    static func lowestGradient(_ lab: LabImage, x: Int, y: Int) -> (Int, Int) {
        func gradient(_ x: Int, _ y: Int) -> Float {
            let w = lab.width, h = lab.height
            let left = y * w + max(x - 1, 0), right = y * w + min(x + 1, w - 1)
            let up = max(y - 1, 0) * w + x, down = min(y + 1, h - 1) * w + x
            return lab.distance(left, right) + lab.distance(up, down)
        }
        var best = (x, y), bestValue = gradient(x, y)
        for dy in -1...1 {
            for dx in -1...1 {
                let nx = x + dx, ny = y + dy
                guard nx >= 0, ny >= 0, nx < lab.width, ny < lab.height else { continue }
                let g = gradient(nx, ny)
                if g < bestValue { bestValue = g; best = (nx, ny) }
            }
        }
        return best
    }

    mutating func run(iterations: Int) {
        for _ in 0..<iterations {
            guard assign() else { break }
            update()
        }
    }

    /// Relabels every pixel with its nearest centre; returns whether any label changed.
    private mutating func assign() -> Bool {
        let w = lab.width, h = lab.height
        let previous = labels
        var distances = [Float](repeating: .infinity, count: w * h)
        let reachX = 2 * stepX, reachY = 2 * stepY, weight = spatialWeight
        lab.l.withUnsafeBufferPointer { lp in
        lab.a.withUnsafeBufferPointer { ap in
        lab.b.withUnsafeBufferPointer { bp in
        distances.withUnsafeMutableBufferPointer { dist in
        labels.withUnsafeMutableBufferPointer { label in
            for (k, c) in centers.enumerated() {
                let x0 = max(0, Int((Double(c.x) - reachX).rounded(.up))), x1 = min(w - 1, Int(Double(c.x) + reachX))
                let y0 = max(0, Int((Double(c.y) - reachY).rounded(.up))), y1 = min(h - 1, Int(Double(c.y) + reachY))
                guard x0 <= x1, y0 <= y1 else { continue }
                let id = Int32(k)
                for y in y0...y1 {
                    let dy = Float(y) - c.y
                    let rowSpatial = dy * dy * weight
                    let row = y * w
                    for x in x0...x1 {
                        let p = row + x
                        let dl = lp[p] - c.l, da = ap[p] - c.a, db = bp[p] - c.b
                        let dx = Float(x) - c.x
                        let d = dl * dl + da * da + db * db + dx * dx * weight + rowSpatial
                        let closer = d < dist[p]
                        dist[p] = closer ? d : dist[p]
                        label[p] = closer ? id : label[p]
                    }
                }
            }
        }
        }
        }
        }
        }
        return labels != previous
    }

    /// Moves each centre to the mean of its pixels; a centre that lost all its pixels stays put.
    private mutating func update() {
        let w = lab.width
        var sums = [Double](repeating: 0, count: centers.count * 5)
        var counts = [Int](repeating: 0, count: centers.count)
        for (p, k) in labels.enumerated() {
            let k = Int(k)
            sums[5 * k] += Double(lab.l[p])
            sums[5 * k + 1] += Double(lab.a[p])
            sums[5 * k + 2] += Double(lab.b[p])
            sums[5 * k + 3] += Double(p % w)
            sums[5 * k + 4] += Double(p / w)
            counts[k] += 1
        }
        for k in 0..<centers.count where counts[k] > 0 {
            let n = Double(counts[k])
            centers[k] = Center(l: Float(sums[5 * k] / n), a: Float(sums[5 * k + 1] / n), b: Float(sums[5 * k + 2] / n),
                                x: Float(sums[5 * k + 3] / n), y: Float(sums[5 * k + 4] / n))
        }
    }
}
