import FocalBackbone
import FocalImages
import FocalNumerics

/// Where a linear score on the pooled embedding comes from: its exact split
/// over the positions of the last feature map (see `FeatureMap`), at several
/// input scales, each spread over image pixels and combined.
///
/// One scale sees 7×7 positions of 32 pixels (at 224): too coarse for a small
/// bouquet. Larger inputs give finer grids, and the element that drives the
/// score stays where it is at every scale while spurious cells move, so the
/// scales' agreement is the map.
///
/// Each scale is also seen mirrored left to right (`mirrored`), its map
/// mirrored back: TensorFlow's SAME padding pads the bottom and right more than
/// the top and left, so a position's receptive field leans one way, and the
/// mirrored view leans the other. Each view's cells are still the exact split
/// of that view's score; the combined map is the split of their mean.
public struct LogitMap: Sendable {
    /// Input sides measured to localise best (see the README's explanation section).
    public static let defaultScales = [224, 320, 448]

    /// A scale enlarges an image at most this many times: beyond it the map
    /// sees interpolated pixels, not detail (and a tiny image's 448 input is mostly blur).
    public static let largestEnlargement = 4.0

    /// The shorter side an image needs for an s×s input.
    public static func smallestShorterSide(scale: Int) -> Int {
        Int((Double(Preprocessing.shorterSide(forCrop: scale)) / largestEnlargement).rounded(.up))
    }

    public static func fits(scale: Int, shorterSide: Int) -> Bool {
        scale >= EfficientNetLite0.minimumInputSide && shorterSide >= smallestShorterSide(scale: scale)
    }

    /// How scales are combined.
    public enum Combination: String, Sendable, CaseIterable {
        /// Each scale divided by its own peak, then averaged (and multiplied by the
        /// mean peak, to keep the score's units): every scale votes equally.
        case peakNormalised
        /// The plain mean: the split of the scales' mean score.
        case mean
    }

    public struct Scale: Sendable {
        /// The input's side.
        public let side: Int
        /// Whether this view is of the image mirrored left to right (its cells
        /// are in the mirrored image's positions).
        public let mirrored: Bool
        /// Positions per row and per column of the feature map.
        public let grid: Int
        /// Each position's share of the score, rows top to bottom: they sum to `score − bias`.
        public let cells: [Double]
        /// The score of the image at this scale.
        public let score: Double
        public let geometry: CropGeometry
    }

    public let scales: [Scale]
    public let bias: Double
    /// On the pixels of the 224×224 input (row-major): the score per pixel,
    /// combined over scales. Where the scales agree it sums to about their
    /// mean score minus the bias (upsampling is bilinear).
    public let heatmap: [Double]
    public var side: Int { Preprocessing.cropSize }
    public let multiplyAdds: Int

    /// `decoded` is the image as decoded (perhaps reduced in the DCT); boxes and
    /// geometry are in pixels of the `original` size.
    public init(decoded: RGBImage, original: (width: Int, height: Int), network: EfficientNetLite0, score: LinearScore,
                scales sides: [Int] = LogitMap.defaultScales, mirrored: Bool = true, combination: Combination = .peakNormalised,
                preprocessing: Preprocessing = Preprocessing()) {
        self.init(views: Views(decoded: decoded, original: original, network: network, scales: sides, mirrored: mirrored,
                               preprocessing: preprocessing),
                  score: score, combination: combination)
    }

    /// The map of `score` on feature maps already computed: several concepts
    /// of one image share one set of views (only the head's weights differ).
    public init(views: Views, score: LinearScore, combination: Combination = .peakNormalised) {
        var scales: [Scale] = []
        for view in views.maps {
            let cells = view.map.contributions(score)
            scales.append(Scale(side: view.side, mirrored: view.mirrored, grid: view.map.side, cells: cells,
                                score: cells.reduce(score.bias, +), geometry: view.geometry))
        }
        self.scales = scales
        self.bias = score.bias
        self.multiplyAdds = views.multiplyAdds
        let upsampled = scales.map { Self.upsampled($0, onto: views.target) }
        heatmap = Self.combined(upsampled, combination)
    }

    /// An image's last feature maps at each scale (and mirrored, when asked):
    /// the costly part of a map, independent of the score.
    public struct Views: Sendable {
        public struct View: Sendable {
            public let side: Int
            public let mirrored: Bool
            public let map: FeatureMap
            public let geometry: CropGeometry
        }
        public let maps: [View]
        /// The 224×224 input's geometry, on whose pixels the heatmap lies.
        public let target: CropGeometry
        public let multiplyAdds: Int

        public init(decoded: RGBImage, original: (width: Int, height: Int), network: EfficientNetLite0,
                    scales sides: [Int] = LogitMap.defaultScales, mirrored: Bool = true,
                    preprocessing: Preprocessing = Preprocessing()) {
            precondition(!sides.isEmpty, "a logit map needs at least one scale")
            let jobs = sides.map { ($0, false) } + (mirrored ? sides.map { ($0, true) } : [])
            let mirror = mirrored ? decoded.mirrored() : nil
            let maps = LogitMap.featureMaps(jobs.map { $0.1 ? mirror! : decoded }, sides: jobs.map(\.0), network: network,
                                            preprocessing: preprocessing)
            self.maps = zip(jobs, maps).map { job, map in
                View(side: job.0, mirrored: job.1, map: map,
                     geometry: CropGeometry(originalWidth: original.width, originalHeight: original.height, side: job.0))
            }
            target = CropGeometry(originalWidth: original.width, originalHeight: original.height)
            multiplyAdds = jobs.map { network.multiplyAdds(inputSide: $0.0) }.reduce(0, +)
        }
    }

    /// The feature map of each image at its side, dealt between the network's
    /// workers (largest first, each to the least loaded), each run on one thread:
    /// a 7×7 layer split between threads waits more than it computes.
    static func featureMaps(_ images: [RGBImage], sides: [Int], network: EfficientNetLite0,
                            preprocessing: Preprocessing) -> [FeatureMap] {
        let lanes = laneCount(sides.count, workers: network.workers)
        var load = [Int](repeating: 0, count: lanes)
        var dealt = [[Int]](repeating: [], count: lanes)
        for i in sides.indices.sorted(by: { sides[$0] > sides[$1] }) {
            let lane = load.indices.min { load[$0] < load[$1] }!
            dealt[lane].append(i)
            load[lane] += sides[i] * sides[i]
        }
        let results = UnsafeMutableBufferPointer<FeatureMap?>.allocate(capacity: sides.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        parallelLanes(lanes) { lane in
            for i in dealt[lane] {
                let input = Preprocessing.normalize(preprocessing.networkImage(images[i], side: sides[i]))
                results[i] = network.featureMap(input, side: sides[i], workers: lanes > 1 ? 1 : nil)
            }
        }
        return results.map { $0! }
    }

    /// A scale's cells as score per pixel of `target`'s input, bilinear between cell centres.
    static func upsampled(_ scale: Scale, onto target: CropGeometry) -> [Double] {
        let n = target.side, g = scale.grid
        // Pixels of the target's input per pixel of this scale's input.
        let ratio = Double(target.resizedWidth) / Double(scale.geometry.resizedWidth)
        let cellSide = Double(scale.side) / Double(g) * ratio
        let perPixel = 1 / (cellSide * cellSide)
        var out = [Double](repeating: 0, count: n * n)
        // Each cell's value sits at the centre of its receptive field.
        let centres = EfficientNetLite0.receptiveFieldCentres(inputSide: scale.side)
        // Continuous cell coordinate of each target column and row (they separate).
        func cellCoordinate(_ t: Int, horizontal: Bool) -> (Int, Int, Double) {
            var original = horizontal ? target.toOriginal(x: Double(t) + 0.5, y: 0).x : target.toOriginal(x: 0, y: Double(t) + 0.5).y
            // A mirrored view's cells lie at mirrored columns of the original.
            if horizontal && scale.mirrored { original = Double(target.originalWidth) - original }
            let here = horizontal ? scale.geometry.toCrop(x: original, y: 0).x : scale.geometry.toCrop(x: 0, y: original).y
            let c = min(Double(g - 1), max(0, (here - centres.offset) / centres.step))
            let lo = Int(c), hi = min(g - 1, lo + 1)
            return (lo, hi, c - Double(lo))
        }
        let columns = (0..<n).map { cellCoordinate($0, horizontal: true) }
        let rows = (0..<n).map { cellCoordinate($0, horizontal: false) }
        for (y, (r0, r1, fy)) in rows.enumerated() {
            for (x, (c0, c1, fx)) in columns.enumerated() {
                let top = scale.cells[r0 * g + c0] * (1 - fx) + scale.cells[r0 * g + c1] * fx
                let bottom = scale.cells[r1 * g + c0] * (1 - fx) + scale.cells[r1 * g + c1] * fx
                out[y * n + x] = (top * (1 - fy) + bottom * fy) * perPixel
            }
        }
        return out
    }

    static func combined(_ maps: [[Double]], _ combination: Combination) -> [Double] {
        let count = maps[0].count
        var out = [Double](repeating: 0, count: count)
        switch combination {
        case .mean:
            for m in maps { for i in 0..<count { out[i] += m[i] / Double(maps.count) } }
        case .peakNormalised:
            let peaks = maps.map { max($0.max() ?? 0, 0) }
            let used = peaks.indices.filter { peaks[$0] > 0 }
            guard !used.isEmpty else { return combined(maps, .mean) }
            let meanPeak = used.map { peaks[$0] }.reduce(0, +) / Double(used.count)
            for s in used {
                let weight = meanPeak / peaks[s] / Double(used.count)
                for i in 0..<count { out[i] += maps[s][i] * weight }
            }
        }
        return out
    }
}
