import FocalNumerics
import Foundation

/// The forward pass itself: stem, blocks, head and pooling, for any run of blocks.
extension EfficientNetLite0 {
    /// An activation the forward pass can show an observer (for incremental occlusion).
    package enum Observed {
        case blockInput(Int)   // input of block b (b == 16: the last block's output)
        case expanded(Int)     // block b's expansion before its ReLU6 (its input when it does not expand)
        case depthwise(Int)    // block b's depthwise output
        case head              // the head's output, before pooling
    }

    /// Runs `n` images through blocks `range` (from the stem when it starts at
    /// 0, through the head and pooling into `output` when it ends at 16) and
    /// returns where the last block's output is (in `buffers`, which default
    /// to the workspace's). A range starting later reads its input from `buffers[0]`.
    @discardableResult
    package func embedGroup(_ input: UnsafePointer<Float>, count n: Int, into output: UnsafeMutablePointer<Float>,
                            workspace: Workspace, workers: Int? = nil, blocks range: Range<Int> = 0..<16,
                            buffers given: [UnsafeMutablePointer<Float>]? = nil, inputSide size: Int = Architecture.inputSize,
                            observe: ((Observed, UnsafePointer<Float>) -> Void)? = nil,
                            head onHead: ((UnsafePointer<Float>) -> Void)? = nil) -> UnsafeMutablePointer<Float> {
        precondition(size == Architecture.inputSize || range.lowerBound == 0, "a partial pass runs at 224 only")
        let workers = workers ?? self.workers
        var buffers = given ?? workspace.buffers
        var side = size == Architecture.inputSize ? Self.inputSides[range.lowerBound] : Self.sides(input: size)[0]
        if range.lowerBound == 0 {
        // Stem: direct 3×3/2 convolution into buffer 0, output rows split between workers.
        let stemOutput = buffers[0]
        parallelChunks(n * side, workers: workers) { range in
            Self.forEachImage(rows: range, side: side) { image, rows in
                stemConvolution.apply(input: input + image * size * size * 3, height: size, width: size,
                                      output: stemOutput + image * side * side * Architecture.stemChannels, rows: rows)
            }
        }
        observe?(.blockInput(0), buffers[0])
        }

        for block in blocks[range] {
            let spec = block.spec
            if n == 1 && observe == nil && spec.index < Self.lateStart && Self.fitsBands(spec, side: side) {
                // One image's early blocks: band by band, each worker its own rows.
                let outSide = SamePadding(input: side, kernel: spec.kernel, stride: spec.stride).output
                let lanes = laneCount(outSide, workers: workers)
                let scratch = workspace.bandBuffers(lanes)
                let input = UnsafePointer(buffers[0]), output = buffers[3], inSide = side
                parallelShares(outSide, lanes: lanes) { lane, rows in
                    runBands(block, input: input, side: inSide, output: output, rows: rows, buffers: scratch[lane])
                }
                buffers.swapAt(0, 3)
                side = outSide
                continue
            }
            let rowsIn = n * side * side
            var expanded = UnsafePointer(buffers[0])
            if let expand = block.expand {
                expand.apply(input: buffers[0], rows: rowsIn, output: buffers[1], workers: workers)
                expanded = UnsafePointer(buffers[1])
            }
            observe?(.expanded(spec.index), expanded)
            let outSide = SamePadding(input: side, kernel: spec.kernel, stride: spec.stride).output
            let e = spec.expandedChannels
            let inSide = side
            let dwOut = buffers[2]
            parallelChunks(n * outSide, workers: workers) { range in
                Self.forEachImage(rows: range, side: outSide) { image, rows in
                    block.depthwise.apply(input: expanded + image * inSide * inSide * e, height: inSide, width: inSide,
                                          output: dwOut + image * outSide * outSide * e, rows: rows)
                }
            }
            observe?(.depthwise(spec.index), dwOut)
            block.project.apply(input: dwOut, rows: n * outSide * outSide, output: buffers[3],
                                residual: spec.hasResidual ? UnsafePointer(buffers[0]) : nil, workers: workers)
            buffers.swapAt(0, 3)
            side = outSide
            observe?(.blockInput(spec.index + 1), buffers[0])
        }
        guard range.upperBound == blocks.count else { return buffers[0] }
        head.apply(input: buffers[0], rows: n * side * side, output: buffers[1], workers: workers)
        observe?(.head, buffers[1])
        onHead?(buffers[1])
        globalAveragePool(buffers[1], images: n, positions: side * side, channels: Architecture.headChannels,
                          output: output)
        return buffers[0]
    }

    /// Calls `body(image, rows)` for each image that `range` reaches, with its
    /// rows in it: `range` numbers the output rows of all images, `side` each.
    static func forEachImage(rows range: Range<Int>, side: Int, _ body: (Int, Range<Int>) -> Void) {
        var start = range.lowerBound
        while start < range.upperBound {
            let image = start / side
            let end = min(range.upperBound, (image + 1) * side)
            body(image, (start - image * side)..<(end - image * side))
            start = end
        }
    }

    /// The spatial side of each block's input (17: then the last block's output).
    package static let inputSides: [Int] = sides(input: Architecture.inputSize)

    /// The spatial side of each block's input for an `input`×`input` image, the last block's output last.
    static func sides(input: Int) -> [Int] {
        var sides = [SamePadding(input: input, kernel: 3, stride: 2).output]
        for b in Architecture.blocks { sides.append(SamePadding(input: sides.last!, kernel: b.kernel, stride: b.stride).output) }
        return sides
    }
}
