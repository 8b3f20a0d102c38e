import FocalNumerics
import Foundation

/// `focal-benchmark kernels`: each depthwise layer shape of EfficientNet-Lite0
/// and the stem, single-threaded on one image: microseconds and GMAC/s. No
/// peer: this is for finding which kernel shape is slow.
func kernelBenchmark() {
    var seed: UInt64 = 1
    func random(_ count: Int) -> [Float] {
        (0..<count).map { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(seed >> 40) % 2001 - 1000) / 1000
        }
    }
    func time(_ body: () -> Void) -> Double {
        body()
        var best = Double.infinity
        for _ in 0..<20 { let t0 = now(); body(); best = min(best, now() - t0) }
        return best
    }
    // (side, channels, kernel, stride) of the depthwise layers.
    let shapes = [(112, 32, 3, 1), (112, 96, 3, 2), (56, 144, 3, 1), (56, 144, 5, 2), (28, 240, 5, 1),
                  (28, 240, 3, 2), (14, 480, 3, 1), (14, 480, 5, 1), (14, 672, 5, 1), (14, 672, 5, 2), (7, 1152, 5, 1), (7, 1152, 3, 1)]
    for (side, c, k, s) in shapes {
        let conv = DepthwiseConvolution(channels: c, kernel: k, stride: s, weights: random(k * k * c), bias: random(c), activation: .relu6,
                                        inputActivation: .relu6)
        let x = random(side * side * c)
        let (pr, pc) = conv.padding(height: side, width: side)
        var out = [Float](repeating: 0, count: pr.output * pc.output * c)
        let t = x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { o in
                time { conv.apply(input: xp.baseAddress!, height: side, width: side, output: o.baseAddress!, rows: 0..<pr.output) }
            }
        }
        let macs = Double(pr.output * pc.output * c * k * k)
        emit(["mode": "kernel", "kernel": "depthwise", "side": side, "channels": c, "size": k, "stride": s,
              "microseconds": t * 1e6, "gmac_per_second": macs / t / 1e9])
    }
    let stem = FullConvolution(inputChannels: 3, outputChannels: 32, kernel: 3, stride: 2, weights: random(27 * 32), bias: random(32), activation: .relu6)
    let image = random(224 * 224 * 3)
    var out = [Float](repeating: 0, count: 112 * 112 * 32)
    let t = image.withUnsafeBufferPointer { xp in
        out.withUnsafeMutableBufferPointer { o in time { stem.apply(input: xp.baseAddress!, height: 224, width: 224, output: o.baseAddress!, rows: 0..<112) } }
    }
    emit(["mode": "kernel", "kernel": "stem", "microseconds": t * 1e6, "gmac_per_second": Double(112 * 112 * 27 * 32) / t / 1e9])
}
