import FocalFiles
import Foundation

/// Focal's dataset manifest, a contract other code parses:
///
///     image,positives,negatives,split,regions[,extra columns…]
///
/// `image` is relative to the manifest; `positives` and `negatives` are concept
/// names joined by `|` (both empty in the pool); `split` is train, test or pool;
/// `regions` is `concept@x,y,w,h` per element instance joined by `|`, in image
/// pixels, each the tight box of the instance's mask. Fields are quoted per RFC 4180.
///
/// Pool rows have empty labels but still list their regions: the pool is
/// unlabelled for training, and its regions are the ground truth against which
/// counter-examples found in it can be checked.
public enum Manifest {
    public static let header = ["image", "positives", "negatives", "split", "regions"]

    public static func csv(_ records: [SceneRecord], extraColumns: [String]) -> String {
        var out = (header + extraColumns).map(csvField).joined(separator: ",") + "\n"
        for r in records {
            let regions = r.regions.map { "\($0.element)@\($0.x),\($0.y),\($0.width),\($0.height)" }.joined(separator: "|")
            let fields = [r.image, r.positives.joined(separator: "|"), r.negatives.joined(separator: "|"),
                          r.split.rawValue, regions] + r.extras
            out += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    /// synth.json: what was asked for and what came out, keys sorted.
    public static func summary<S: Scenario>(_ scenario: S, configuration: SynthConfiguration, records: [SceneRecord]) -> String {
        var splits: [String: Any] = [:]
        for split in Split.allCases {
            let rows = records.filter { $0.split == split }
            guard !rows.isEmpty else { continue }
            var positives: [String: Int] = [:]
            var instances: [String: Int] = [:]
            for r in rows {
                for p in r.positives { positives[p, default: 0] += 1 }
                for region in r.regions { instances[region.element, default: 0] += 1 }
            }
            splits[split.rawValue] = ["images": rows.count, "positives": positives, "instances": instances]
        }
        var object: [String: Any] = [
            "generator": "focal synth",
            "scenario": scenario.name,
            "seed": configuration.seed,
            "size": configuration.size,
            "knobs": scenario.knobs,
            "splits": splits,
            "concepts": scenario.concepts,
            "manifest": "manifest.csv",
        ]
        if let cutouts = configuration.cutouts {
            object["cutouts"] = cutouts.files.mapValues { $0.count }
        }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
