import FocalBackbone

/// Groups a heatmap into the few connected regions that carry most of the
/// evidence: pixels at or above `fraction` of the peak, 4-connected, ranked by
/// the total drop they hold.
public enum EvidenceRegions {
    public struct Component: Sendable {
        public var box: GridBox
        public var mass: Double
        public var pixels: Int
    }

    public static func find(heatmap: [Double], width: Int, height: Int, fraction: Double = 0.35, limit: Int = 3) -> [Component] {
        guard let peak = heatmap.max(), peak > 0 else { return [] }
        let cut = peak * fraction
        var label = [Int32](repeating: -1, count: heatmap.count)
        var components: [Component] = []
        var stack: [Int] = []
        for start in heatmap.indices where heatmap[start] >= cut && label[start] < 0 {
            let id = Int32(components.count)
            var (y0, y1, x0, x1) = (height, 0, width, 0)
            var mass = 0.0, count = 0
            label[start] = id
            stack.append(start)
            while let p = stack.popLast() {
                let y = p / width, x = p % width
                y0 = min(y0, y); y1 = max(y1, y + 1); x0 = min(x0, x); x1 = max(x1, x + 1)
                mass += heatmap[p]; count += 1
                for (dy, dx) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                    let ny = y + dy, nx = x + dx
                    guard ny >= 0, ny < height, nx >= 0, nx < width else { continue }
                    let q = ny * width + nx
                    if label[q] < 0 && heatmap[q] >= cut { label[q] = id; stack.append(q) }
                }
            }
            components.append(Component(box: GridBox(rows: y0..<y1, columns: x0..<x1), mass: mass, pixels: count))
        }
        return Array(components.sorted { $0.mass > $1.mass }.prefix(limit))
    }

    /// The share of the heatmap's positive mass inside `box`.
    public static func positiveShare(of box: GridBox, in heatmap: [Double], side: Int) -> Double {
        let total = heatmap.reduce(0) { $0 + max(0, $1) }
        guard total > 0 else { return 0 }
        var inside = 0.0
        for y in box.rows { for x in box.columns { inside += max(0, heatmap[y * side + x]) } }
        return inside / total
    }
}
