import FocalNumerics
import FocalTestSupport
import XCTest

/// The depthwise loops against a direct float64 evaluation of the definition
/// (TF 'SAME' padding with zeros), for every kernel shape the network uses,
/// shapes without a specialised loop, channel counts that leave a remainder,
/// and regions computed from a tile of the input.
final class DepthwiseConvolutionTests: XCTestCase {
    struct Case { let kernel, stride, channels, height, width: Int; let activation: Activation; var input: Activation = .identity }

    func reference(_ conv: DepthwiseConvolution, _ x: [Float], height: Int, width: Int) -> [Double] {
        let (pr, pc) = conv.padding(height: height, width: width)
        let c = conv.channels, k = conv.kernel
        var out = [Double](repeating: 0, count: pr.output * pc.output * c)
        for oy in 0..<pr.output { for ox in 0..<pc.output { for ch in 0..<c {
            var sum = Double(conv.bias[ch])
            for ky in 0..<k { for kx in 0..<k {
                let iy = oy * conv.stride - pr.before + ky, ix = ox * conv.stride - pc.before + kx
                guard iy >= 0, iy < height, ix >= 0, ix < width else { continue }
                var value = Double(x[(iy * width + ix) * c + ch])
                if conv.inputActivation == .relu6 { value = min(max(value, 0), 6) }
                sum += value * Double(conv.weights[(ky * k + kx) * c + ch])
            } }
            if conv.activation == .relu6 { sum = min(max(sum, 0), 6) }
            out[(oy * pc.output + ox) * c + ch] = sum
        } } }
        return out
    }

    /// Uniform in [-range, range].
    func random(_ count: Int, seed: inout KnuthLCG, range: Float = 2.5) -> [Float] {
        seed.floats(count, over: 1000).map { $0 * range }
    }

    /// The convolution `t` describes, with random weights and bias.
    func convolution(_ t: Case, seed: inout KnuthLCG) -> DepthwiseConvolution {
        DepthwiseConvolution(channels: t.channels, kernel: t.kernel, stride: t.stride,
                             weights: random(t.kernel * t.kernel * t.channels, seed: &seed),
                             bias: random(t.channels, seed: &seed), activation: t.activation, inputActivation: t.input)
    }

    let cases: [Case] = [
        Case(kernel: 3, stride: 1, channels: 32, height: 13, width: 17, activation: .relu6, input: .relu6),
        Case(kernel: 3, stride: 2, channels: 16, height: 14, width: 15, activation: .relu6),
        Case(kernel: 5, stride: 1, channels: 48, height: 11, width: 12, activation: .identity, input: .relu6),
        Case(kernel: 5, stride: 2, channels: 32, height: 15, width: 14, activation: .relu6),
        Case(kernel: 3, stride: 1, channels: 24, height: 9, width: 10, activation: .identity),   // 8 past a multiple of 16
        Case(kernel: 5, stride: 1, channels: 20, height: 8, width: 9, activation: .relu6),       // not a multiple of 8
        Case(kernel: 7, stride: 1, channels: 16, height: 10, width: 11, activation: .relu6),     // no specialised loop
        Case(kernel: 5, stride: 2, channels: 16, height: 3, width: 2, activation: .identity),    // smaller than the kernel
        // Shapes of the network, whose loops have the channel count fixed too.
        Case(kernel: 5, stride: 2, channels: 144, height: 13, width: 12, activation: .relu6, input: .relu6),
        Case(kernel: 5, stride: 1, channels: 1152, height: 7, width: 7, activation: .relu6, input: .relu6),
        Case(kernel: 3, stride: 2, channels: 96, height: 16, width: 17, activation: .relu6, input: .relu6),
        Case(kernel: 3, stride: 1, channels: 24, height: 9, width: 10, activation: .relu6, input: .relu6),
        Case(kernel: 5, stride: 1, channels: 20, height: 8, width: 9, activation: .identity, input: .relu6),
    ]

    func testWholeImagesMatchTheDefinition() {
        var seed = KnuthLCG(seed: 7)
        for t in cases {
            let conv = convolution(t, seed: &seed)
            // Inputs past 6 too, so that an input ReLU6 clamps at both ends.
            let x = random(t.height * t.width * t.channels, seed: &seed, range: 8)
            let expected = reference(conv, x, height: t.height, width: t.width)
            let (pr, _) = conv.padding(height: t.height, width: t.width)
            var out = [Float](repeating: .nan, count: expected.count)
            x.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer {
                    conv.apply(input: xp.baseAddress!, height: t.height, width: t.width, output: $0.baseAddress!, rows: 0..<pr.output)
                }
            }
            let worst = zip(out, expected).map { abs(Double($0) - $1) / (1 + abs($1)) }.max()!
            XCTAssertLessThan(worst, 1e-5, "k\(t.kernel) s\(t.stride) c\(t.channels) \(t.height)x\(t.width)")
        }
    }

    func testRegionsFromATileMatchTheDefinition() {
        var seed = KnuthLCG(seed: 11)
        for t in cases.prefix(4) {
            let conv = convolution(t, seed: &seed)
            // Inputs past 6 too, so that an input ReLU6 clamps at both ends.
            let x = random(t.height * t.width * t.channels, seed: &seed, range: 8)
            let expected = reference(conv, x, height: t.height, width: t.width)
            let (pr, pc) = conv.padding(height: t.height, width: t.width)
            // Outputs rows 1..<output-1, columns 2..<output: the tile holds the input pixels they read.
            let rows = 1..<(pr.output - 1), columns = 2..<pc.output
            let top = max(0, rows.lowerBound * t.stride - pr.before), left = max(0, columns.lowerBound * t.stride - pc.before)
            let bottom = min(t.height, (rows.upperBound - 1) * t.stride - pr.before + t.kernel)
            let tileWidth = t.width - left
            var tile = [Float]()
            for y in top..<bottom { tile += x[((y * t.width + left) * t.channels)..<((y * t.width + t.width) * t.channels)] }
            var out = [Float](repeating: .nan, count: rows.count * columns.count * t.channels)
            tile.withUnsafeBufferPointer { tp in
                out.withUnsafeMutableBufferPointer {
                    conv.apply(input: tp.baseAddress!, height: t.height, width: t.width, inputTop: top, inputLeft: left,
                               inputWidth: tileWidth, output: $0.baseAddress!, rows: rows, columns: columns,
                               outputWidth: columns.count)
                }
            }
            var worst = 0.0
            for (i, oy) in rows.enumerated() { for (j, ox) in columns.enumerated() { for ch in 0..<t.channels {
                let got = Double(out[(i * columns.count + j) * t.channels + ch])
                let want = expected[(oy * pc.output + ox) * t.channels + ch]
                worst = max(worst, abs(got - want) / (1 + abs(want)))
            } } }
            XCTAssertLessThan(worst, 1e-5, "k\(t.kernel) s\(t.stride)")
        }
    }
}

/// The stem's full convolution against a float64 evaluation of its definition.
final class FullConvolutionTests: XCTestCase {
    func testMatchesTheDefinition() {
        var seed = KnuthLCG(seed: 5)
        func random(_ count: Int) -> [Float] { seed.floats(count, over: 400) }
        for (k, s, h, w) in [(3, 2, 15, 12), (3, 1, 7, 9), (3, 2, 224, 224)] {
            let ci = 3, co = 32
            let conv = FullConvolution(inputChannels: ci, outputChannels: co, kernel: k, stride: s,
                                       weights: random(k * k * ci * co), bias: random(co), activation: .relu6)
            let x = random(h * w * ci)
            let (pr, pc) = conv.padding(height: h, width: w)
            var out = [Float](repeating: .nan, count: pr.output * pc.output * co)
            x.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer {
                    conv.apply(input: xp.baseAddress!, height: h, width: w, output: $0.baseAddress!, rows: 0..<pr.output)
                }
            }
            var worst = 0.0
            for oy in 0..<pr.output { for ox in 0..<pc.output { for o in 0..<co {
                var sum = Double(conv.bias[o])
                for ky in 0..<k { for kx in 0..<k { for c in 0..<ci {
                    let iy = oy * s - pr.before + ky, ix = ox * s - pc.before + kx
                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                    sum += Double(x[(iy * w + ix) * ci + c]) * Double(conv.weights[((ky * k + kx) * ci + c) * co + o])
                } } }
                worst = max(worst, abs(min(max(sum, 0), 6) - Double(out[(oy * pc.output + ox) * co + o])))
            } } }
            XCTAssertLessThan(worst, 1e-4, "k\(k) s\(s) \(h)x\(w)")
        }
    }
}

extension DepthwiseConvolutionTests {
    /// Outputs computed from pixels handed out in runs (as incremental
    /// occlusion hands out record and changed values): runs of one to three
    /// pixels, each copied from a scattered place, must give the definition's
    /// values over regions inside the image and touching every edge.
    func testRegionsFromScatteredRunsMatchTheDefinition() {
        var seed = KnuthLCG(seed: 11)
        for t in cases where t.channels % 8 == 0 && [3, 5].contains(t.kernel) && t.height >= t.kernel {
            let conv = convolution(t, seed: &seed)
            let x = random(t.height * t.width * t.channels, seed: &seed, range: 8)
            let expected = reference(conv, x, height: t.height, width: t.width)
            let (pr, pc) = conv.padding(height: t.height, width: t.width)
            let c = t.channels
            // Each pixel at its own scattered address: pixel i at slot (i · m) mod count, m coprime to count.
            let count = t.height * t.width
            let m = [7, 11, 13, 17, 19].first { count % $0 != 0 }!
            var scattered = [Float](repeating: .nan, count: x.count)
            for i in 0..<count { for ch in 0..<c { scattered[((i * m) % count) * c + ch] = x[i * c + ch] } }
            for (rows, columns) in [(0..<pr.output, 0..<pc.output), (1..<(pr.output - 1), 0..<2),
                                    ((pr.output - 2)..<pr.output, 1..<pc.output)] {
                var out = [Float](repeating: .nan, count: rows.count * columns.count * c)
                var lengths = KnuthLCG(seed: 5)
                var runs: [UnsafeMutablePointer<Float>] = []
                scattered.withUnsafeBufferPointer { sp in
                    out.withUnsafeMutableBufferPointer { op in
                        conv.apply(height: t.height, width: t.width, output: op.baseAddress!, rows: rows, columns: columns,
                                   outputWidth: columns.count) { y, asked in
                            var n = 1 + Int(lengths.next() >> 62) % 3
                            n = min(n, asked.count)
                            // A run is contiguous where it is read from: copy it to a fresh place.
                            let run = UnsafeMutablePointer<Float>.allocate(capacity: n * c)
                            runs.append(run)
                            for k in 0..<n {
                                let i = y * t.width + asked.lowerBound + k
                                (run + k * c).update(from: sp.baseAddress! + ((i * m) % count) * c, count: c)
                            }
                            return (UnsafePointer(run), n)
                        }
                    }
                }
                for r in runs { r.deallocate() }
                var worst = 0.0
                for (i, oy) in rows.enumerated() {
                    for (j, ox) in columns.enumerated() {
                        for ch in 0..<c {
                            let e: Double = expected[(oy * pc.output + ox) * c + ch]
                            let got = Double(out[(i * columns.count + j) * c + ch])
                            worst = max(worst, abs(got - e) / (1 + abs(e)))
                        }
                    }
                }
                XCTAssertLessThan(worst, 1e-5, "k\(t.kernel) s\(t.stride) c\(c) rows \(rows) columns \(columns)")
            }
        }
    }
}
