// Focal's side of the benchmarks in Benchmarks/run.py, which runs the peers
// (onnxruntime, Pillow) in the same run and prints the ratios. Each mode prints
// one JSON object on stdout.
//
//   focal-benchmark throughput --batch 32 --seconds 3 [--threads 2]
//   focal-benchmark decode FILE.jpg --repeat 20 [--exact]
//   focal-benchmark synth [--scenario wedding] [--count 1000] [--size 256]
//   focal-benchmark occlusion IMAGE... [--window 32] [--stride 16] [--repeat 3]
//   focal-benchmark store [--rows 20000] [--batch 32]
//   focal-benchmark check DATA [--store PATH] [--repeat 3] (a whole focal check on cached embeddings)
//   focal-benchmark kernels (each depthwise layer shape and the stem, one thread: GMAC/s)
//   focal-benchmark fit --features X.npy --labels Y.bin --k 10 (see TrainingBenchmark.swift)
import FocalBackbone
import FocalImages
import FocalNumerics
import Foundation

func argument(_ name: String, default value: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return value
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

let mode = CommandLine.arguments.dropFirst().first ?? "throughput"
switch mode {
case "throughput":
    let batch = Int(argument("--batch", default: "32"))!
    let seconds = Double(argument("--seconds", default: "3"))!
    let threads = Int(argument("--threads", default: "2"))!
    let backbone = try Backbone.load()
    let network = try EfficientNetLite0(weights: SafeTensors(path: backbone.weightsPath), workers: threads)
    let workspace = EfficientNetLite0.Workspace()
    var input = [Float](repeating: 0, count: batch * 224 * 224 * 3)
    var seed: UInt64 = 42
    for i in input.indices {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        input[i] = Float(Int(seed >> 56)) / 128 - 1
    }
    var output = [Float](repeating: 0, count: batch * 1280)
    func run() {
        input.withUnsafeBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { network.embed(inp.baseAddress!, count: batch, into: $0.baseAddress!, workspace: workspace) }
        }
    }
    run()  // warm-up
    var times: [Double] = []
    let start = now()
    while now() - start < seconds || times.count < 3 {
        let t0 = now()
        run()
        times.append(now() - t0)
    }
    times.sort()
    let median = times[times.count / 2]
    emit(["mode": "throughput", "batch": batch, "threads": threads, "runs": times.count,
          "median_seconds_per_batch": median, "images_per_second": Double(batch) / median])
case "decode":
    let path = CommandLine.arguments[2]
    let repeats = Int(argument("--repeat", default: "10"))!
    let exact = CommandLine.arguments.contains("--exact")
    let preprocessing = Preprocessing(exact: exact)
    var times: [Double] = []
    var size = (0, 0)
    for _ in 0..<repeats {
        let t0 = now()
        let image = try preprocessing.networkImage(path: path)
        times.append(now() - t0)
        size = (image.width, image.height)
    }
    times.sort()
    emit(["mode": "decode", "exact": exact, "median_seconds": times[times.count / 2], "output": [size.0, size.1]])
case "kernels":
    kernelBenchmark()
case "occlusion":
    try occlusionBenchmark()
case "store":
    try storeBenchmark()
case "synth":
    try synthBenchmark()
case "fit":
    try trainingBenchmark()
case "check":
    try checkBenchmark()
default:
    FileHandle.standardError.write("unknown mode \(mode)\n".data(using: .utf8)!)
    exit(2)
}
