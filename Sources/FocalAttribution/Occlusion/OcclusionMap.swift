import FocalBackbone
import FocalNumerics
import Foundation

/// An occlusion heatmap: how much a score drops when each window of the image
/// is replaced by the baseline, averaged per pixel over the windows that cover it.
public struct OcclusionMap: Sendable {
    /// The knobs, named as Captum names them.
    public struct Settings: Equatable, Sendable, Codable {
        public var window: Int
        public var stride: Int
        public var mode: String
        /// In `.approximate` mode, windows are computed where the evidence
        /// regions are, in three steps:
        /// 1. a coarse pass: every `coarseStep`-th window on both axes (and the
        ///    last), through the looser `coarseThreshold`; it only has to show
        ///    where the score moves;
        /// 2. the coarse windows whose drop is at least `recomputeCut` of the
        ///    largest, again through `changeThreshold`: their drops shape the regions;
        /// 3. round after round, every window with a computed neighbour (of
        ///    its eight) whose drop is at least `refineCut` of the largest,
        ///    through `changeThreshold`, until there is none. The regions are
        ///    the heatmap above 0.35 of its peak (`EvidenceRegions`), and a
        ///    window's drop bounds the heatmap where it lies, so the windows
        ///    near that cut are computed rather than guessed (the heatmap's
        ///    peak is a mean of drops, at most the largest: a near guarantee).
        ///
        /// Steps 2 and 3 deal their windows between the workers' lanes; a
        /// round a window short of a lane also takes the windows nearest to
        /// qualifying, which costs no time and may spare a round. On the 71
        /// scenes this computes 1% more multiply-adds (correlation 0.9498
        /// against 0.9489) and was 3% faster on the benchmark's five.
        ///
        /// The other windows are estimated from their computed neighbours.
        /// When no window lowers the score there is no evidence to refine,
        /// and the coarse pass is the map. With fewer than 5 windows a side
        /// all are computed, through `changeThreshold`.
        public var coarseStep: Int
        public var coarseThreshold: Double?
        public var recomputeCut: Double
        public var refineCut: Double
        /// In `.approximate` mode: from block 5's input (the last 28×28 layer)
        /// on, a position counts as changed by a window only when one of its
        /// channels moves by more than this share of the layer's RMS; the others
        /// keep their recorded values, are not recomputed, and their change
        /// reaches the score to first order (see `Incremental`; depthwise
        /// outputs take twice the threshold, and the coarse pass takes
        /// `coarseThreshold` instead). nil: every
        /// change (0 skips only the positions that did not move, which gives the
        /// exact embeddings up to rounding).
        ///
        /// The defaults were chosen on the 71 wedding pool scenes of
        /// `ApproximateOcclusionTests` (concept head, against the exact map;
        /// a temporary sweep of the same test): they find the exact top region
        /// on all 71 (correlation 0.949) for 9.41G multiply-adds per
        /// explanation, before short rounds took extra windows (since then
        /// correlation 0.950 for 1% more). A head input threshold twice or
        /// four times the others found 70 and 67 for 1-2% fewer; refinement
        /// rounds at a looser threshold (0.2-0.5), with the windows at the cut
        /// computed again at 0.1 after, 63-68. A coarse threshold of 0.4 or
        /// 0.6 found 70 (9.95G, 8.95G); a refinement cut of 0.4 or 0.45, 68 and 66; a change
        /// threshold of 0.15 with a coarse one of 0.4, 68. The earlier rule,
        /// two rounds refining the 20% of windows with the highest estimates
        /// at threshold 0.1, found 69 for 11.26G; without the coarse
        /// threshold and recomputation this rule finds 71 for 11.76G.
        public var changeThreshold: Double?

        public init(window: Int = 32, stride: Int = 16, mode: Occlusion.Mode = .approximate,
                    coarseStep: Int = 2, coarseThreshold: Double? = 0.5, recomputeCut: Double = 0.2,
                    refineCut: Double = 0.35, changeThreshold: Double? = 0.1) {
            self.window = window
            self.stride = stride
            self.mode = mode.rawValue
            self.coarseStep = coarseStep
            self.coarseThreshold = coarseThreshold
            self.recomputeCut = recomputeCut
            self.refineCut = refineCut
            self.changeThreshold = changeThreshold
        }
    }

    public var settings: Settings
    /// The score of the unoccluded image.
    public var baseScore: Double
    /// Each computed window and its score drop (score(image) − score(occluded)).
    /// In approximate mode the heatmap also uses estimates for the others.
    public var windows: [(box: GridBox, drop: Double)]
    /// 224×224 per-pixel drops, row-major.
    public var heatmap: [Double]
    public var multiplyAdds: Int

    public static let side = Architecture.inputSize

    /// Window origins along one axis: 0, stride, … and always one flush with the far edge.
    static func origins(window: Int, stride: Int) -> [Int] {
        var origins = Array(Swift.stride(from: 0, through: side - window, by: stride))
        if let last = origins.last, last + window < side { origins.append(side - window) }
        return origins
    }

    /// The mean drop of the windows covering each pixel.
    static func heatmap(_ windows: [(box: GridBox, drop: Double)]) -> [Double] {
        var sum = [Double](repeating: 0, count: side * side), count = [Int](repeating: 0, count: side * side)
        for (box, drop) in windows {
            for y in box.rows { for x in box.columns { sum[y * side + x] += drop; count[y * side + x] += 1 } }
        }
        return zip(sum, count).map { $1 > 0 ? $0 / Double($1) : 0 }
    }

    /// The fine window with the largest mean heatmap value (the heatmap's peak region).
    public var topWindow: GridBox {
        let fine = Self.origins(window: settings.window, stride: settings.stride)
        var best = GridBox(rows: 0..<settings.window, columns: 0..<settings.window), bestValue = -Double.infinity
        for y in fine {
            for x in fine {
                var total = 0.0
                for yy in y..<(y + settings.window) { for xx in x..<(x + settings.window) { total += heatmap[yy * Self.side + xx] } }
                if total > bestValue { bestValue = total; best = GridBox(rows: y..<(y + settings.window), columns: x..<(x + settings.window)) }
            }
        }
        return best
    }
}

extension Occlusion {
    /// The occlusion heatmap of `score` (computed from an embedding) for a
    /// normalised 224×224 image.
    ///
    /// `.approximate` computes the windows near the evidence and estimates the
    /// others (see `Settings.coarseStep`); every window it computes goes
    /// through a change threshold (see `Settings.changeThreshold`). The
    /// heatmap averages all computed windows and the estimates of the others.
    public func map(image: [Float], baseline: [Float], settings: OcclusionMap.Settings,
                    score: LinearScore) -> OcclusionMap {
        let side = OcclusionMap.side, w = settings.window
        precondition(w >= 1 && w <= side && settings.stride >= 1, "window must be 1...224 and stride >= 1")
        let mode = Mode(rawValue: settings.mode) ?? .approximate
        let fine = OcclusionMap.origins(window: w, stride: settings.stride)
        func box(_ y: Int, _ x: Int) -> GridBox { GridBox(rows: y..<(y + w), columns: x..<(x + w)) }
        var computed: [Int: Double] = [:]   // fine index (i·n + j) → drop
        var estimated: [Int: Double] = [:]  // approximate mode: the windows not computed
        var macs = 0
        var baseScore = 0.0
        let n = fine.count
        // One record of the unoccluded pass serves every incremental batch.
        var incremental: Incremental?
        func run(_ indices: [Int], _ pass: Mode, threshold: Double? = nil) {
            guard !indices.isEmpty else { return }
            let patches = indices.map { box(fine[$0 / n], fine[$0 % n]) }
            let result: Result
            if pass == .naive {
                result = embeddings(image: image, baseline: baseline, patches: patches, mode: .naive)
            } else {
                if incremental == nil {
                    // Thresholded (a record of depthwise outputs, the gradient) when either threshold is set.
                    let thresholds = mode == .approximate ? [settings.coarseThreshold, settings.changeThreshold] : []
                    incremental = Incremental(network: network, image: image, baseline: baseline,
                                              changeThreshold: thresholds.compactMap { $0 }.first, score: score)
                    macs += network.multiplyAddsPerImage
                }
                result = incremental!.changing(threshold: threshold).embeddings(patches: patches, batchSize: batchSize)
            }
            baseScore = score(result.base)
            for (k, index) in indices.enumerated() {
                computed[index] = baseScore - score(result.embeddings[k]) - (result.scoreCorrections?[k] ?? 0)
            }
            macs += result.multiplyAdds
        }
        if mode != .approximate || n < 5 {
            run(Array(0..<(n * n)), mode == .naive ? .naive : .exact,
                threshold: mode == .approximate ? settings.changeThreshold : nil)
        } else {
            // Coarse: every coarseStep-th fine origin on both axes, and the last one.
            let step = max(2, settings.coarseStep)
            var lattice = Array(Swift.stride(from: 0, to: n, by: step))
            if lattice.last != n - 1 { lattice.append(n - 1) }
            let coarse = lattice.flatMap { i in lattice.map { i * n + $0 } }
            run(coarse, .exact, threshold: settings.coarseThreshold)
            var peak = computed.values.max() ?? 0
            let lanes = laneCount(.max, workers: network.workers)
            if peak > 0 {
                let again = coarse.filter { computed[$0]! >= settings.recomputeCut * peak }
                run(again + Self.nearest(Self.spare(again.count, lanes), computed, n: n, excluding: []),
                    .exact, threshold: settings.changeThreshold)
            }
            // Refine until no window left out has a neighbour at the regions' cut.
            while true {
                peak = computed.values.max() ?? 0
                guard peak > 0 else { break }
                let next = (0..<(n * n)).filter { computed[$0] == nil && (Self.computedNeighbours($0, computed, n: n).max() ?? -.infinity) >= settings.refineCut * peak }
                if next.isEmpty { break }
                run(next + Self.nearest(Self.spare(next.count, lanes), computed, n: n, excluding: Set(next)),
                    .exact, threshold: settings.changeThreshold)
            }
            estimated = Self.estimates(computed, n: n, lattice: lattice)
        }
        let windows = computed.keys.sorted().map { (box: box(fine[$0 / n], fine[$0 % n]), drop: computed[$0]!) }
        let filled = windows + estimated.keys.sorted().map { (box: box(fine[$0 / n], fine[$0 % n]), drop: estimated[$0]!) }
        return OcclusionMap(settings: settings, baseScore: baseScore, windows: windows,
                            heatmap: OcclusionMap.heatmap(filled), multiplyAdds: macs)
    }

    /// How many windows a round of `count` leaves a lane short of: the
    /// patches are dealt between the lanes, and a lane with one fewer waits.
    static func spare(_ count: Int, _ lanes: Int) -> Int { (lanes - count % lanes) % lanes }

    /// Up to `count` uncomputed windows (not in `excluding`, the round's own)
    /// whose largest computed neighbour is largest, ties to the lower index:
    /// those nearest the refinement's cut from below, which the next round
    /// would most likely take. A round a window short of a lane takes them
    /// at no cost in time, and may spare the next round.
    static func nearest(_ count: Int, _ computed: [Int: Double], n: Int, excluding: Set<Int>) -> [Int] {
        guard count > 0 else { return [] }
        let candidates = (0..<(n * n)).compactMap { index -> (Int, Double)? in
            guard computed[index] == nil, !excluding.contains(index),
                  let largest = computedNeighbours(index, computed, n: n).max() else { return nil }
            return (index, largest)
        }
        return candidates.sorted { ($0.1, -$0.0) > ($1.1, -$1.0) }.prefix(count).map(\.0)
    }

    /// The drops of the computed windows among the eight around fine window
    /// `index`, row by row: what the refinement judges and the estimates average.
    static func computedNeighbours(_ index: Int, _ computed: [Int: Double], n: Int) -> [Double] {
        let i = index / n, j = index % n
        var drops: [Double] = []
        for di in -1...1 where (0..<n).contains(i + di) {
            for dj in -1...1 where (0..<n).contains(j + dj) && (di, dj) != (0, 0) {
                if let v = computed[(i + di) * n + (j + dj)] { drops.append(v) }
            }
        }
        return drops
    }

    /// Each fine window not computed, estimated from the computed windows among
    /// its eight neighbours when there are any, else bilinearly from the lattice.
    static func estimates(_ computed: [Int: Double], n: Int, lattice: [Int]) -> [Int: Double] {
        func bracket(_ i: Int) -> (Int, Int, Double) {
            let hi = lattice.firstIndex { $0 >= i } ?? lattice.count - 1
            if lattice[hi] == i || hi == 0 { return (lattice[hi], lattice[hi], 0) }
            let a = lattice[hi - 1], b = lattice[hi]
            return (a, b, Double(i - a) / Double(b - a))
        }
        var out: [Int: Double] = [:]
        for i in 0..<n {
            for j in 0..<n where computed[i * n + j] == nil {
                let neighbours = Self.computedNeighbours(i * n + j, computed, n: n)
                if !neighbours.isEmpty { out[i * n + j] = neighbours.reduce(0, +) / Double(neighbours.count); continue }
                let (i0, i1, ti) = bracket(i), (j0, j1, tj) = bracket(j)
                func at(_ a: Int, _ b: Int) -> Double { computed[a * n + b] ?? 0 }
                out[i * n + j] = (1 - ti) * ((1 - tj) * at(i0, j0) + tj * at(i0, j1)) + ti * ((1 - tj) * at(i1, j0) + tj * at(i1, j1))
            }
        }
        return out
    }
}
