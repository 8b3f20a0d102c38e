import FocalScenes
import Foundation

/// `focal-benchmark synth [--scenario wedding] [--count 1000] [--size 256]`:
/// the time to generate and write `count` scenes (images, masks, manifest)
/// into a temporary folder, on all cores, as `focal synth` does.
func synthBenchmark() throws {
    let scenario = argument("--scenario", default: "wedding")
    let count = Int(argument("--count", default: "1000"))!
    let size = Int(argument("--size", default: "256"))!
    let folder = NSTemporaryDirectory() + "focal-synth-benchmark-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let configuration = SynthConfiguration(seed: 1, size: size, counts: SynthConfiguration.proportions(total: count))
    let t0 = now()
    let records: [SceneRecord]
    switch scenario {
    case "apples": records = try Generator.generate(Apples(), configuration: configuration, into: folder)
    case "pints": records = try Generator.generate(Pints(), configuration: configuration, into: folder)
    default: records = try Generator.generate(Wedding(), configuration: configuration, into: folder)
    }
    let seconds = now() - t0
    emit(["mode": "synth", "scenario": scenario, "scenes": records.count, "size": size,
          "masks": records.reduce(0) { $0 + $1.masks.count }, "seconds": seconds,
          "scenes_per_second": Double(records.count) / seconds,
          "cores": ProcessInfo.processInfo.activeProcessorCount])
}
