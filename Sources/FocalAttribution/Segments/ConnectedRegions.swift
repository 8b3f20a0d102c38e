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
