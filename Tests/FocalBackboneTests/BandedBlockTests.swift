@testable import FocalBackbone
import FocalNumerics
import FocalTestSupport
import XCTest

/// The early blocks run band by band (`runBands`) must give what running them
/// layer by layer over whole maps gives, however their output rows are split
/// between workers: a worker's first band starts mid-image with nothing held,
/// and later bands reuse the expanded rows the band before left.
final class BandedBlockTests: XCTestCase {
    func testBandsMatchWholeLayers() throws {
        let network = ReferenceVectorTests.backbone.network
        var seed = KnuthLCG(seed: 7)
        for b in 0..<EfficientNetLite0.lateStart {
            let block = network.blocks[b], spec = block.spec
            let side = EfficientNetLite0.inputSides[b], outSide = EfficientNetLite0.inputSides[b + 1]
            XCTAssertTrue(EfficientNetLite0.fitsBands(spec, side: side))
            let input = seed.floats(side * side * spec.inputChannels, half: 2000, over: 1000)
            // Whole layers, one after another.
            let e = spec.expandedChannels
            var expanded = input
            if let expand = block.expand {
                expanded = [Float](repeating: 0, count: side * side * e)
                input.withUnsafeBufferPointer { x in
                    expanded.withUnsafeMutableBufferPointer { expand.apply(input: x.baseAddress!, rows: side * side, output: $0.baseAddress!) }
                }
            }
            var depthwise = [Float](repeating: 0, count: outSide * outSide * e)
            expanded.withUnsafeBufferPointer { x in
                depthwise.withUnsafeMutableBufferPointer {
                    block.depthwise.apply(input: x.baseAddress!, height: side, width: side, output: $0.baseAddress!, rows: 0..<outSide)
                }
            }
            var whole = [Float](repeating: 0, count: outSide * outSide * spec.outputChannels)
            depthwise.withUnsafeBufferPointer { d in
                input.withUnsafeBufferPointer { x in
                    whole.withUnsafeMutableBufferPointer {
                        block.project.apply(input: d.baseAddress!, rows: outSide * outSide, output: $0.baseAddress!,
                                            residual: spec.hasResidual ? x.baseAddress! : nil)
                    }
                }
            }
            // Bands, with the output rows in one part and in three uneven parts.
            for cuts in [[0, outSide], [0, outSide / 5, outSide / 2 + 1, outSide]] {
                var banded = [Float](repeating: .nan, count: whole.count)
                input.withUnsafeBufferPointer { x in
                    banded.withUnsafeMutableBufferPointer { out in
                        for (lo, hi) in zip(cuts, cuts.dropFirst()) {
                            network.runBands(block, input: x.baseAddress!, side: side, output: out.baseAddress!,
                                             rows: lo..<hi, buffers: EfficientNetLite0.BandBuffers())
                        }
                    }
                }
                // Relative to the value: SGEMM sums in another order for other row counts
                // (up to 1.3e-5 on the 2026-12 AMD EPYC host, whose OpenBLAS kernel differs).
                let worst = zip(banded, whole).map { abs($0 - $1) / (1 + abs($1)) }.max()!
                XCTAssertLessThanOrEqual(worst, 3e-5, "block \(b), parts \(cuts)")
            }
        }
    }

    /// Whole images: the banded forward pass (one image, 1, 2 or 3 workers)
    /// against the layer-by-layer one that an observer forces.
    func testBandedImageMatchesLayerByLayer() throws {
        let network = ReferenceVectorTests.backbone.network
        let pixels = 224 * 224 * 3
        let image: [Float] = (0..<pixels).map { Float(($0 * 7919) % 255) / 128 - 1 }
        func embedding(workers: Int, observed: Bool) -> [Float] {
            var out = [Float](repeating: 0, count: EfficientNetLite0.embeddingSize)
            let workspace = EfficientNetLite0.Workspace()
            image.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { o in
                    _ = network.embedGroup(x.baseAddress!, count: 1, into: o.baseAddress!, workspace: workspace, workers: workers,
                                           observe: observed ? { _, _ in } : nil)
                }
            }
            return out
        }
        let layered = embedding(workers: 1, observed: true)
        for workers in 1...3 {
            let worst = zip(embedding(workers: workers, observed: false), layered).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(worst, 1e-5, "\(workers) workers")
        }
    }
}
