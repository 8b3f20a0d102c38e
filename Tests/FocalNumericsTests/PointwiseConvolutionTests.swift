import FocalNumerics
import FocalTestSupport
import XCTest

/// 1×1 convolutions against a float64 evaluation of act(W·x + b (+ residual)),
/// split by rows (many rows) and by output channels (few rows, many channels).
final class PointwiseConvolutionTests: XCTestCase {
    func random(_ count: Int, seed: inout KnuthLCG) -> [Float] {
        seed.floats(count, over: 500)
    }

    func testMatchesTheDefinitionForBothSplits() {
        var seed = KnuthLCG(seed: 3)
        // (rows, in, out): more rows than channels; fewer rows than channels; channels not a multiple of 16.
        for (rows, k, n) in [(300, 24, 40), (49, 64, 1152), (20, 16, 200)] {
            for activation in [Activation.relu6, .identity] {
                for withResidual in [false, true] {
                    let conv = PointwiseConvolution(inputChannels: k, outputChannels: n, weights: random(n * k, seed: &seed),
                                                    bias: random(n, seed: &seed), activation: activation)
                    let x = random(rows * k, seed: &seed), residual = random(rows * n, seed: &seed)
                    var out = [Float](repeating: .nan, count: rows * n)
                    x.withUnsafeBufferPointer { xp in
                        residual.withUnsafeBufferPointer { rp in
                            out.withUnsafeMutableBufferPointer {
                                conv.apply(input: xp.baseAddress!, rows: rows, output: $0.baseAddress!,
                                           residual: withResidual ? rp.baseAddress! : nil, workers: 2)
                            }
                        }
                    }
                    var worst = 0.0
                    for r in 0..<rows {
                        for o in 0..<n {
                            var sum = Double(conv.bias[o]) + (withResidual ? Double(residual[r * n + o]) : 0)
                            for i in 0..<k { sum += Double(conv.weights[o * k + i]) * Double(x[r * k + i]) }
                            if activation == .relu6 { sum = min(max(sum, 0), 6) }
                            worst = max(worst, abs(sum - Double(out[r * n + o])))
                        }
                    }
                    XCTAssertLessThan(worst, 1e-3, "rows \(rows) in \(k) out \(n) \(activation) residual \(withResidual)")
                }
            }
        }
    }
}
