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

// MARK: - Connectivity

/// Turns k-means clusters into connected segments: each 4-connected piece of a
/// cluster becomes a region, then regions under `minimumSize` pixels are merged,
/// smallest (before merging) first, into the neighbour whose mean colour is closest (ties: the
/// longer shared border, then the lower index). A merge joins two touching
/// connected regions, so every result stays connected; choosing by colour keeps
/// a stray fragment with the surface it belongs to.
struct ConnectedRegions {
    var labels: [Int32]
    var count: Int

    init(clusters: [Int32], lab: LabImage, minimumSize: Int) {
        let w = lab.width, h = lab.height
        // 1. Pieces, with their sizes and colour sums.
        let (piece, pieceCount) = Self.pieces(clusters, width: w, height: h)
        var sizes = [Int](repeating: 0, count: pieceCount)
        var colors = [Double](repeating: 0, count: 3 * pieceCount)   // L*, a*, b* sums per piece
        for (p, id) in piece.enumerated() {
            let i = Int(id)
            sizes[i] += 1
            colors[3 * i] += Double(lab.l[p])
            colors[3 * i + 1] += Double(lab.a[p])
            colors[3 * i + 2] += Double(lab.b[p])
        }
        // 2. Which pieces touch, and along how many pixel edges.
        var borders = Self.borders(piece, count: pieceCount, width: w, height: h)
        // 3. Merge small regions, in order of their size before any merging. Merging
        //    only grows regions, so a target earlier in that order is already big
        //    enough, and a later one is checked again when its turn comes: at the end
        //    every region has at least `minimumSize` pixels (unless it is the whole image).
        var parent = Array(0..<sizes.count)
        func meanDistance(_ a: Int, _ b: Int) -> Double {
            var d = 0.0
            for i in 0..<3 {
                let diff = colors[3 * a + i] / Double(sizes[a]) - colors[3 * b + i] / Double(sizes[b])
                d += diff * diff
            }
            return d
        }
        let order = (0..<sizes.count).filter { sizes[$0] < minimumSize }.sorted { (sizes[$0], $0) < (sizes[$1], $1) }
        for r in order where sizes[r] < minimumSize {
            // Only roots have borders (a merged region's are handed to its target).
            var target = -1, targetDistance = Double.infinity, targetBorder = 0
            for (n, border) in borders[r] {
                let d = meanDistance(r, n)
                if d < targetDistance || (d == targetDistance && (border > targetBorder || (border == targetBorder && n < target))) {
                    target = n; targetDistance = d; targetBorder = border
                }
            }
            guard target >= 0 else { continue }   // a region with no neighbour is the whole image
            parent[r] = target
            sizes[target] += sizes[r]
            for i in 0..<3 { colors[3 * target + i] += colors[3 * r + i] }
            for (n, border) in borders[r] where n != target {
                borders[n][r] = nil
                borders[n][target, default: 0] += border
                borders[target][n, default: 0] += border
            }
            borders[target][r] = nil
            borders[r] = [:]
        }
        // 4. Number the surviving regions in raster order of their first pixel.
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { i = parent[i] }
            return i
        }
        var number = [Int32](repeating: -1, count: sizes.count)
        var next: Int32 = 0
        labels = piece.map { p in
            let r = root(Int(p))
            if number[r] < 0 { number[r] = next; next += 1 }
            return number[r]
        }
        count = Int(next)
    }

    /// Labels the 4-connected pieces of equal cluster, numbered in raster order.
    static func pieces(_ clusters: [Int32], width w: Int, height h: Int) -> ([Int32], Int) {
        var piece = [Int32](repeating: -1, count: w * h)
        var count: Int32 = 0
        var stack: [Int] = []
        clusters.withUnsafeBufferPointer { cluster in
            piece.withUnsafeMutableBufferPointer { label in
                for start in 0..<(w * h) where label[start] < 0 {
                    let c = cluster[start]
                    label[start] = count
                    stack.append(start)
                    while let p = stack.popLast() {
                        let x = p % w
                        if x > 0, label[p - 1] < 0, cluster[p - 1] == c { label[p - 1] = count; stack.append(p - 1) }
                        if x < w - 1, label[p + 1] < 0, cluster[p + 1] == c { label[p + 1] = count; stack.append(p + 1) }
                        if p >= w, label[p - w] < 0, cluster[p - w] == c { label[p - w] = count; stack.append(p - w) }
                        if p + w < w * h, label[p + w] < 0, cluster[p + w] == c { label[p + w] = count; stack.append(p + w) }
                    }
                    count += 1
                }
            }
        }
        return (piece, Int(count))
    }

    /// For each piece, its neighbours and the number of pixel edges shared with each.
    static func borders(_ piece: [Int32], count: Int, width w: Int, height h: Int) -> [[Int: Int]] {
        // Collect touching pairs (smaller id in the high half), then count runs of equal pairs.
        var pairs: [UInt64] = []
        piece.withUnsafeBufferPointer { label in
            func add(_ a: Int32, _ b: Int32) {
                if a != b { pairs.append(UInt64(UInt32(min(a, b))) << 32 | UInt64(UInt32(max(a, b)))) }
            }
            for y in 0..<h {
                for x in 0..<w {
                    let p = y * w + x
                    if x + 1 < w { add(label[p], label[p + 1]) }
                    if y + 1 < h { add(label[p], label[p + w]) }
                }
            }
        }
        pairs.sort()
        var borders = [[Int: Int]](repeating: [:], count: count)
        var i = 0
        while i < pairs.count {
            var j = i
            while j < pairs.count && pairs[j] == pairs[i] { j += 1 }
            let a = Int(pairs[i] >> 32), b = Int(pairs[i] & 0xFFFF_FFFF)
            borders[a][b] = j - i
            borders[b][a] = j - i
            i = j
        }
        return borders
    }
}
