import FocalNumerics
import Foundation

/// EfficientNet-Lite0 inference on the CPU: images in, 1280-d embeddings and
/// ImageNet logits out.
///
/// Activations are channel-last (N×H×W×C) so that 1×1 convolutions over a
/// whole batch are one SGEMM and depthwise loops read 16 contiguous channels.
/// Batch norm is folded into each convolution when the weights are loaded.
public final class EfficientNetLite0: Sendable {
    public static let embeddingSize = Architecture.headChannels
    public static let inputSize = Architecture.inputSize

    /// The layers, with `package` access: incremental occlusion (FocalAttribution)
    /// recomputes them region by region, and no one outside the package needs them.
    package struct Block: Sendable {
        package let spec: Architecture.Block
        package let expand: PointwiseConvolution?
        package let depthwise: DepthwiseConvolution
        package let project: PointwiseConvolution
    }

    package let stemConvolution: FullConvolution
    package let blocks: [Block]
    package let head: PointwiseConvolution
    let classifierWeights: [Float]          // 1000 × 1280
    let classifierBias: [Float]
    /// Worker threads for the depthwise loops (OpenBLAS has its own).
    public let workers: Int

    /// Loads and validates weights in the lukemelas naming the converter keeps.
    public init(weights: SafeTensors, workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        self.workers = max(1, workers)
        // Focal splits the work between its own workers, each calling OpenBLAS
        // single-threaded (see PointwiseConvolution.apply).
        BLAS.threads = 1
        HeapTuning.keepLargeBlocks()
        let stemWeights = try weights.floats("_conv_stem.weight", shape: [32, 3, 3, 3])
        // OIHW → rows in im2col order ((ky·3 + kx)·3 + ci).
        var stemRows = [Float](repeating: 0, count: 32 * 27)
        for o in 0..<32 { for i in 0..<3 { for ky in 0..<3 { for kx in 0..<3 {
            stemRows[o * 27 + (ky * 3 + kx) * 3 + i] = stemWeights[((o * 3 + i) * 3 + ky) * 3 + kx]
        } } } }
        let stem = try Self.pointwise(weights, conv: stemRows, inputs: 27, outputs: 32, bn: "_bn0", activation: .relu6)
        var tapMajorStem = [Float](repeating: 0, count: 27 * 32)
        for o in 0..<32 { for t in 0..<27 { tapMajorStem[t * 32 + o] = stem.weights[o * 27 + t] } }
        stemConvolution = FullConvolution(inputChannels: 3, outputChannels: 32, kernel: 3, stride: 2,
                                          weights: tapMajorStem, bias: stem.bias, activation: .relu6)

        var blocks: [Block] = []
        for spec in Architecture.blocks {
            let p = "_blocks.\(spec.index)."
            let e = spec.expandedChannels
            var expand: PointwiseConvolution?
            if spec.expansion != 1 {
                let w = try weights.floats(p + "_expand_conv.weight", shape: [e, spec.inputChannels, 1, 1])
                // Its ReLU6 is applied by the depthwise layer as it reads (see inputActivation).
                expand = try Self.pointwise(weights, conv: w, inputs: spec.inputChannels, outputs: e,
                                            bn: p + "_bn0", activation: .identity)
            }
            let dw = try weights.floats(p + "_depthwise_conv.weight", shape: [e, 1, spec.kernel, spec.kernel])
            let (dwScale, dwBias) = try Self.batchNorm(weights, p + "_bn1", channels: e)
            var tapMajor = [Float](repeating: 0, count: dw.count)
            let taps = spec.kernel * spec.kernel
            for c in 0..<e { for t in 0..<taps { tapMajor[t * e + c] = dw[c * taps + t] * dwScale[c] } }
            let depthwise = DepthwiseConvolution(channels: e, kernel: spec.kernel, stride: spec.stride,
                                                 weights: tapMajor, bias: dwBias, activation: .relu6,
                                                 inputActivation: .relu6)
            let pw = try weights.floats(p + "_project_conv.weight", shape: [spec.outputChannels, e, 1, 1])
            let project = try Self.pointwise(weights, conv: pw, inputs: e, outputs: spec.outputChannels,
                                             bn: p + "_bn2", activation: .identity)
            blocks.append(Block(spec: spec, expand: expand, depthwise: depthwise, project: project))
        }
        self.blocks = blocks
        let headWeights = try weights.floats("_conv_head.weight", shape: [1280, 320, 1, 1])
        head = try Self.pointwise(weights, conv: headWeights, inputs: 320, outputs: 1280, bn: "_bn1", activation: .relu6)
        classifierWeights = try weights.floats("_fc.weight", shape: [1000, 1280])
        classifierBias = try weights.floats("_fc.bias", shape: [1000])
    }

    /// y = (x − mean) / sqrt(var + ε) · γ + β as a per-channel scale and shift.
    static func batchNorm(_ w: SafeTensors, _ prefix: String, channels: Int) throws -> (scale: [Float], shift: [Float]) {
        let gamma = try w.floats(prefix + ".weight", shape: [channels])
        let beta = try w.floats(prefix + ".bias", shape: [channels])
        let mean = try w.floats(prefix + ".running_mean", shape: [channels])
        let variance = try w.floats(prefix + ".running_var", shape: [channels])
        var scale = [Float](repeating: 0, count: channels), shift = scale
        for c in 0..<channels {
            let s = Double(gamma[c]) / (Double(variance[c]) + Architecture.batchNormEpsilon).squareRoot()
            scale[c] = Float(s)
            shift[c] = Float(Double(beta[c]) - Double(mean[c]) * s)
        }
        return (scale, shift)
    }

    static func pointwise(_ w: SafeTensors, conv: [Float], inputs: Int, outputs: Int, bn: String,
                          activation: Activation) throws -> PointwiseConvolution {
        let (scale, shift) = try batchNorm(w, bn, channels: outputs)
        var folded = conv
        for o in 0..<outputs { for i in 0..<inputs { folded[o * inputs + i] *= scale[o] } }
        return PointwiseConvolution(inputChannels: inputs, outputChannels: outputs, weights: folded,
                                    bias: shift, activation: activation)
    }

    // MARK: Inference

    /// A worker runs the blocks before this one image by image (their
    /// activations are large: 112×112×96 floats is 4.8 MB, so they go band by
    /// band, see `runBands`) and, with several images, the later blocks (from
    /// the second 28×28 one on) on `lateGroupSize` images at once, so that each
    /// of their SGEMMs packs its weights once for eight images.
    static let lateStart = 4
    static let lateGroupSize = 8

    /// Scratch memory for one image, and for a group of images in the late
    /// blocks; reuse it across calls (not across threads).
    public final class Workspace {
        var buffers: [UnsafeMutablePointer<Float>]
        /// The other workers' workspaces, made when a batch is first split between workers.
        var lanes: [Workspace] = []
        /// Buffers for `lateGroupSize` images in the blocks from `lateStart` on, made when first needed.
        private var late: [UnsafeMutablePointer<Float>] = []
        /// One band scratch per worker, for the early blocks of one image (see `runBands`).
        private var bandScratch: [BandBuffers] = []

        func bandBuffers(_ count: Int) -> [BandBuffers] {
            while bandScratch.count < count { bandScratch.append(BandBuffers()) }
            return bandScratch
        }

        /// Sized for `inputSide`×`inputSide` images (the network's 224 unless a feature map is asked at another size).
        public init(inputSide: Int = Architecture.inputSize) {
            let size = inputSide == Architecture.inputSize ? Self.largestActivation : Self.largestActivation(inputSide: inputSide)
            buffers = (0..<4).map { _ in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: size)
                p.initialize(repeating: 0, count: size)
                return p
            }
        }

        deinit {
            buffers.forEach { $0.deallocate() }
            late.forEach { $0.deallocate() }
        }

        func lateBuffers() -> [UnsafeMutablePointer<Float>] {
            if late.isEmpty {
                let size = EfficientNetLite0.lateGroupSize * Self.largestLateActivation
                late = (0..<4).map { _ in
                    let p = UnsafeMutablePointer<Float>.allocate(capacity: size)
                    p.initialize(repeating: 0, count: size)
                    return p
                }
            }
            return late
        }

        /// Floats per image in the largest activation from block `lateStart` on.
        static let largestLateActivation: Int = {
            var largest = 0
            for b in Architecture.blocks[EfficientNetLite0.lateStart...] {
                let side = EfficientNetLite0.inputSides[b.index]
                largest = max(largest, side * side * b.expandedChannels)
            }
            let side = EfficientNetLite0.inputSides[Architecture.blocks.count]
            return max(largest, side * side * Architecture.headChannels)
        }()

        /// Floats per image in the largest activation (or im2col matrix) of the network.
        static let largestActivation = largestActivation(inputSide: Architecture.inputSize)

        static func largestActivation(inputSide: Int) -> Int {
            var side = SamePadding(input: inputSide, kernel: 3, stride: 2).output
            var largest = side * side * max(27, Architecture.stemChannels)
            for b in Architecture.blocks {
                largest = max(largest, side * side * b.expandedChannels)
                side = SamePadding(input: side, kernel: b.kernel, stride: b.stride).output
            }
            return max(largest, side * side * Architecture.headChannels)
        }
    }

    /// Embeds `count` normalised 224×224×3 channel-last images stored one after
    /// another in `input`, writing count × 1280 floats to `output`.
    ///
    /// With several images and several workers, each worker takes its own share
    /// of the images through the whole network on its own (in its own
    /// workspace): no worker waits for another between layers, and each one's
    /// GEMMs are as large as one image makes them. One image is split between
    /// the workers by output rows instead: band by band in the early blocks
    /// (each worker its own rows through a whole block), layer by layer after.
    public func embed(_ input: UnsafePointer<Float>, count n: Int, into output: UnsafeMutablePointer<Float>,
                      workspace: Workspace) {
        let lanes = laneCount(n, workers: workers)
        guard lanes > 1 else {
            embedGroups(input, count: n, into: output, workspace: workspace, workers: workers)
            return
        }
        while workspace.lanes.count < lanes - 1 { workspace.lanes.append(Workspace()) }
        let pixels = Architecture.inputSize * Architecture.inputSize * 3
        parallelShares(n, lanes: lanes) { lane, images in
            embedGroups(input + images.lowerBound * pixels, count: images.count, into: output + images.lowerBound * Self.embeddingSize,
                        workspace: lane == 0 ? workspace : workspace.lanes[lane - 1], workers: 1)
        }
    }

    /// One image straight through; several: the early blocks image by image,
    /// the late ones on groups of `lateGroupSize`.
    func embedGroups(_ input: UnsafePointer<Float>, count n: Int, into output: UnsafeMutablePointer<Float>,
                     workspace: Workspace, workers: Int) {
        guard n > 1 else {
            if n == 1 { embedGroup(input, count: 1, into: output, workspace: workspace, workers: workers) }
            return
        }
        let pixels = Architecture.inputSize * Architecture.inputSize * 3
        let split = Self.lateStart
        let staged = Self.inputSides[split] * Self.inputSides[split] * Architecture.blocks[split].inputChannels
        let late = workspace.lateBuffers()
        var done = 0
        while done < n {
            let group = min(Self.lateGroupSize, n - done)
            for i in 0..<group {
                let early = embedGroup(input + (done + i) * pixels, count: 1, into: output, workspace: workspace,
                                       workers: workers, blocks: 0..<split)
                (late[0] + i * staged).update(from: early, count: staged)
            }
            embedGroup(input, count: group, into: output + done * Self.embeddingSize, workspace: workspace,
                       workers: workers, blocks: split..<blocks.count, buffers: late)
            done += group
        }
    }

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

    /// ImageNet logits (count × 1000) of embeddings (count × 1280).
    public func logits(embeddings: UnsafePointer<Float>, count n: Int, into output: UnsafeMutablePointer<Float>) {
        for i in 0..<n {
            (output + i * Architecture.classCount).update(from: classifierBias, count: Architecture.classCount)
        }
        classifierWeights.withUnsafeBufferPointer { w in
            BLAS.gemm(m: n, n: Architecture.classCount, k: Architecture.headChannels, a: embeddings,
                      lda: Architecture.headChannels, b: w.baseAddress!, ldb: Architecture.headChannels,
                      transposeB: true, c: output, ldc: Architecture.classCount, beta: 1)
        }
    }
}

extension EfficientNetLite0 {
    /// Convenience for a few images: embeddings as arrays of 1280 floats.
    public func embed(_ inputs: [[Float]]) -> [[Float]] {
        guard !inputs.isEmpty else { return [] }
        let workspace = Workspace()
        let flat = inputs.flatMap { $0 }
        var out = [Float](repeating: 0, count: inputs.count * Self.embeddingSize)
        flat.withUnsafeBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { embed(inp.baseAddress!, count: inputs.count, into: $0.baseAddress!, workspace: workspace) }
        }
        return (0..<inputs.count).map { Array(out[($0 * Self.embeddingSize)..<(($0 + 1) * Self.embeddingSize)]) }
    }

    /// Convenience: logits for one embedding.
    public func logits(_ embedding: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: Architecture.classCount)
        embedding.withUnsafeBufferPointer { e in
            out.withUnsafeMutableBufferPointer { logits(embeddings: e.baseAddress!, count: 1, into: $0.baseAddress!) }
        }
        return out
    }
}
