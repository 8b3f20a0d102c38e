import FocalAttribution
import FocalBackbone
import FocalExplain
import FocalImages
import Foundation

/// `focal-benchmark occlusion IMAGE [--repeat 3] [--window 32] [--stride 16] [--only-mode naive|exact|approximate]
/// [--coarse-step 2] [--coarse-threshold T|none] [--recompute-cut 0.2] [--refine-cut 0.35] [--change-threshold T|none]`:
/// seconds and multiply-adds per explanation for each occlusion mode and for the
/// logit map (`map`: the default explainer's heatmap at 224, 320 and 448; or one
/// mode, for profiling it), and how close the approximate heatmap is to the exact one.
func occlusionBenchmark() throws {
    let paths = CommandLine.arguments.dropFirst(2).prefix { !$0.hasPrefix("--") }
    var summaries: [[String: Any]] = []
    for path in paths.isEmpty ? [nil] : paths.map(Optional.some) {
        summaries.append(try occlusionBenchmark(path: path))
    }
    var summary: [String: Any] = ["mode": "occlusion-summary", "images": summaries.count]
    for mode in Occlusion.Mode.allCases.map(\.rawValue) + ["map"] where summaries.allSatisfy({ $0[mode] != nil }) {
        let v = summaries.map { ($0[mode] as! [String: Any])["median_seconds"] as! Double }.sorted()
        summary[mode + "_seconds"] = v[v.count / 2]
    }
    if summaries.allSatisfy({ $0["approximate_same_top_window"] != nil }) {
        let correlations = summaries.map { $0["approximate_heatmap_correlation"] as! Double }
        summary["approximate_same_top_window"] = summaries.filter { $0["approximate_same_top_window"] as! Bool }.count
        summary["approximate_min_correlation"] = correlations.min()!
        summary["approximate_mean_correlation"] = correlations.reduce(0, +) / Double(correlations.count)
    }
    emit(summary)
}

func occlusionBenchmark(path: String?) throws -> [String: Any] {
    let repeats = Int(argument("--repeat", default: "3"))!
    let window = Int(argument("--window", default: "32"))!
    let step = Int(argument("--stride", default: "16"))!
    let defaults = OcclusionMap.Settings()
    let coarseStep = Int(argument("--coarse-step", default: String(defaults.coarseStep)))!
    let recomputeCut = Double(argument("--recompute-cut", default: String(defaults.recomputeCut)))!
    let refineCut = Double(argument("--refine-cut", default: String(defaults.refineCut)))!
    /// "default", "none" (exact embeddings) or a number.
    func threshold(_ flag: String, _ value: Double?) -> Double? {
        let given = argument(flag, default: "default")
        return given == "default" ? value : given == "none" ? nil : Double(given)!
    }
    let changeThreshold = threshold("--change-threshold", defaults.changeThreshold)
    let coarseThreshold = threshold("--coarse-threshold", defaults.coarseThreshold)
    let backbone = try Backbone.load()
    // The photo read once (or a synthetic input): its crop, its decode and its original size.
    let prepared = try path.map { try Preprocessing().prepare(path: $0) }
    let image = prepared?.crop
        ?? RGBImage(width: 224, height: 224, pixels: (0..<(224 * 224 * 3)).map { UInt8(($0 * 7919) % 251) })
    let decoded = prepared?.decoded ?? image
    let original = prepared?.size ?? (decoded.width, decoded.height)
    let input = Preprocessing.normalize(image)
    let baseline = [Float](repeating: 0, count: input.count)
    let positions = Array(stride(from: 0, through: 224 - window, by: step))
    let patches = positions.flatMap { y in positions.map { x in GridBox(rows: y..<(y + window), columns: x..<(x + window)) } }
    let occlusion = Occlusion(network: backbone.network)
    let target = backbone.topClasses(embedding: backbone.network.embed([input])[0], k: 1)[0].index
    var results: [String: Any] = ["mode": "occlusion", "patches": patches.count, "window": window, "stride": step,
                                  "target": target]
    var maps: [String: OcclusionMap] = [:]
    let only = argument("--only-mode", default: "")
    for mode in Occlusion.Mode.allCases where only.isEmpty || mode.rawValue == only {
        var times: [Double] = []
        for _ in 0..<repeats {
            let t0 = now()
            maps[mode.rawValue] = occlusion.map(image: input, baseline: baseline,
                                                settings: .init(window: window, stride: step, mode: mode, coarseStep: coarseStep,
                                                                coarseThreshold: coarseThreshold, recomputeCut: recomputeCut,
                                                                refineCut: refineCut, changeThreshold: changeThreshold),
                                                score: backbone.network.imageNetScore(class: target))
            times.append(now() - t0)
        }
        times.sort()
        results[mode.rawValue] = ["median_seconds": times[times.count / 2], "multiply_adds": maps[mode.rawValue]!.multiplyAdds,
                                  "windows": maps[mode.rawValue]!.windows.count]
    }
    if only.isEmpty || only == "map" {
        var times: [Double] = []
        var map: LogitMap?
        for _ in 0..<repeats {
            let t0 = now()
            map = LogitMap(decoded: decoded, original: original, network: backbone.network,
                           score: backbone.network.imageNetScore(class: target))
            times.append(now() - t0)
        }
        times.sort()
        results["map"] = ["median_seconds": times[times.count / 2], "multiply_adds": map!.multiplyAdds,
                          "scales": LogitMap.defaultScales, "mirrored": true]
    }
    if let exact = maps["exact"], let approximate = maps["approximate"] {
        results["approximate_heatmap_correlation"] = correlation(exact.heatmap, approximate.heatmap)
        results["approximate_same_top_window"] = exact.topWindow == approximate.topWindow
    }
    if let exact = maps["exact"], let naive = maps["naive"] {
        results["exact_max_abs_diff_vs_naive"] = zip(exact.windows, naive.windows).map { abs($0.drop - $1.drop) }.max()!
    }
    results["image"] = path ?? "synthetic"
    emit(results)
    return results
}

func correlation(_ a: [Double], _ b: [Double]) -> Double {
    let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
    return sab / (saa * sbb).squareRoot()
}
