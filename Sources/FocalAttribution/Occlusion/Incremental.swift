import FocalBackbone
import FocalNumerics
import Foundation

/// Incremental inference for occlusion: one full pass records every layer's
/// activations; each patch then recomputes, layer by layer, only the region its
/// change reaches, reading everything else from the record. Patches are
/// batched so each 1×1 convolution is still one GEMM over all their regions.
struct Incremental {
    let network: EfficientNetLite0
    let image: [Float]
    let baseline: [Float]
    /// When set, a position of a layer from block `thresholdedFrom` on counts
    /// as changed only when one of its channels moved by more than this share
    /// of the layer's RMS; the others keep their recorded values, and the 1×1
    /// convolutions after the layer skip them. A patch's change reaches the
    /// whole of the 14×14 and 7×7 layers, which are most of the work, but at
    /// most of their positions it is small (a content-adaptive form of
    /// Krypton's projective-field threshold). With a score, what is left out is
    /// put back to first order (`ScoreGradient`). nil computes every change: exact.
    private(set) var changeThreshold: Float?
    /// The first block whose input and depthwise output are thresholded: block
    /// 5 reads the last 28×28 layer and writes the first 14×14 one. Before it
    /// a patch's region is small, and recomputing it whole costs little.
    static let thresholdedFrom = 5
    /// A depthwise output's change counts when it exceeds this many times the
    /// threshold a block input's must. At 1× the depthwise outputs flag about
    /// nine in ten positions of the 7×7 blocks (their maximum is over 1152
    /// channels), block inputs about six in ten, so the projections cost most.
    /// Chosen by measurement on the 71 scenes of `ApproximateOcclusionTests`, under
    /// the earlier refinement rule (the 20% of windows with the highest estimates):
    /// 2× finds the same 69 of 71 top regions as 1× (the same two missed;
    /// correlation 0.951 against 0.952) for 6% fewer multiply-adds; 2.5× and
    /// 3× find 67 and 66.
    static let depthwiseThresholdFactor: Float = 2

    /// The stem as a GEMM over im2col rows ((ky·3 + kx)·3 + ci): a patch's
    /// stem outputs form a box whose input is read with the patch filled in.
    let stemRows: PointwiseConvolution

    /// The unoccluded image's activations, by layer.
    struct Record {
        var blockInputs: [[Float]]   // 17: the input of each block, then the last block's output
        var expanded: [[Float]]      // 16
        var depthwise: [[Float]]     // 16, kept only with a threshold
        var headOutput: [Float]
    }
    let record: Record
    let base: [Float]
    let sides: [Int]                 // spatial side of blockInputs[b]
    /// With a threshold only: what each block's projection gave (its output
    /// less its residual), and the RMS of each block input and depthwise
    /// output, which scale the threshold.
    let projected: [[Float]]
    let inputScale: [Float]
    let depthwiseScale: [Float]
    /// With a threshold and a score: the score's gradient at the unoccluded image.
    let gradient: ScoreGradient?

    init(network: EfficientNetLite0, image: [Float], baseline: [Float], changeThreshold: Double? = nil,
         score: LinearScore? = nil) {
        self.network = network
        self.image = image
        self.baseline = baseline
        self.changeThreshold = changeThreshold.map { Float($0) }
        let stem = network.stemConvolution
        let taps = stem.kernel * stem.kernel * stem.inputChannels
        var rows = [Float](repeating: 0, count: taps * stem.outputChannels)
        for t in 0..<taps { for o in 0..<stem.outputChannels { rows[o * taps + t] = stem.weights[t * stem.outputChannels + o] } }
        stemRows = PointwiseConvolution(inputChannels: taps, outputChannels: stem.outputChannels, weights: rows,
                                        bias: stem.bias, activation: stem.activation)
        let sides = EfficientNetLite0.inputSides
        self.sides = sides
        var inputs = [[Float]](repeating: [], count: 17), expanded = [[Float]](repeating: [], count: 16)
        var depthwise = [[Float]](repeating: [], count: 16)
        var head: [Float] = []
        var embedding = [Float](repeating: 0, count: EfficientNetLite0.embeddingSize)
        let workspace = EfficientNetLite0.Workspace()
        let thresholded = changeThreshold != nil
        image.withUnsafeBufferPointer { input in
            embedding.withUnsafeMutableBufferPointer { out in
                network.embedGroup(input.baseAddress!, count: 1, into: out.baseAddress!, workspace: workspace) { what, pointer in
                    func copy(_ count: Int) -> [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
                    switch what {
                    case .blockInput(let b):
                        inputs[b] = copy(sides[b] * sides[b] * network.channels(atInputOf: b))
                    case .expanded(let b):
                        expanded[b] = copy(sides[b] * sides[b] * network.blocks[b].spec.expandedChannels)
                    case .depthwise(let b) where thresholded && b >= Self.thresholdedFrom:
                        depthwise[b] = copy(sides[b + 1] * sides[b + 1] * network.blocks[b].spec.expandedChannels)
                    case .depthwise:
                        break
                    case .head:
                        head = copy(sides[16] * sides[16] * Architecture.headChannels)
                    }
                }
            }
        }
        record = Record(blockInputs: inputs, expanded: expanded, depthwise: depthwise, headOutput: head)
        base = embedding
        // Only the thresholded layers need a scale.
        func rms(_ b: Int, _ v: [Float]) -> Float {
            guard b >= Self.thresholdedFrom, !v.isEmpty else { return 0 }
            return BLAS.norm(v) / Float(v.count).squareRoot()
        }
        if thresholded {
            projected = network.blocks.map { block in
                let b = block.spec.index
                guard b >= Self.thresholdedFrom else { return [] }
                return block.spec.hasResidual ? BLAS.difference(inputs[b + 1], inputs[b]) : inputs[b + 1]
            }
            inputScale = inputs.indices.map { rms($0, inputs[$0]) }
            depthwiseScale = depthwise.indices.map { rms($0, depthwise[$0]) }
        } else {
            projected = []
            inputScale = []
            depthwiseScale = []
        }
        if thresholded, let score {
            gradient = ScoreGradient(network: network, record: record, score: score)
        } else {
            gradient = nil
        }
    }

    /// The same record with another threshold (nil: exact), for a pass that
    /// may run looser or tighter than another. A record made without a
    /// threshold has no gradient and takes none.
    func changing(threshold: Double?) -> Incremental {
        precondition(threshold == nil || !projected.isEmpty, "a threshold needs a record made with one")
        var copy = self
        copy.changeThreshold = threshold.map { Float($0) }
        return copy
    }

    /// With several workers the patches are dealt out between them in turn,
    /// each running its share single-threaded: a patch's regions are small, so
    /// splitting each layer between workers would mostly be waiting for one
    /// another, and neighbouring patches cost alike, so dealing evens the shares.
    func embeddings(patches: [GridBox], batchSize: Int) -> Occlusion.Result {
        let lanes = laneCount(patches.count, workers: network.workers)
        var parts = [(embeddings: [[Float]], corrections: [Double], macs: Int)](repeating: ([], [], 0), count: lanes)
        parts.withUnsafeMutableBufferPointer { results in
            let results = results.baseAddress!
            parallelLanes(lanes) { lane in
                let share = Array(Swift.stride(from: lane, to: patches.count, by: lanes).map { patches[$0] })
                var all: [[Float]] = [], corrections: [Double] = [], macs = 0
                for start in Swift.stride(from: 0, to: share.count, by: batchSize) {
                    let batch = run(Array(share[start..<min(share.count, start + batchSize)]), workers: lanes > 1 ? 1 : network.workers)
                    all += batch.embeddings
                    corrections += batch.corrections
                    macs += batch.macs
                }
                results[lane] = (all, corrections, macs)
            }
        }
        var embeddings: [[Float]] = [], corrections: [Double] = []
        for i in patches.indices {
            embeddings.append(parts[i % lanes].embeddings[i / lanes])
            corrections.append(parts[i % lanes].corrections[i / lanes])
        }
        return Occlusion.Result(embeddings: embeddings, base: base, multiplyAdds: parts.map(\.macs).reduce(0, +),
                                scoreCorrections: gradient == nil ? nil : corrections)
    }

    /// One batch of patches: their embeddings, the first-order score change
    /// of what the threshold left out, and the multiply-adds spent.
    func run(_ patches: [GridBox], workers: Int) -> (embeddings: [[Float]], corrections: [Double], macs: Int) {
        var macs = 0
        let size = Architecture.inputSize
        // Stem: the 3×3/2 outputs each patch reaches, from occluded pixels.
        let stemSpread = Spread(kernel: 3, stride: 2, height: size, width: size)
        let stemRegions = Regions(patches.map { stemSpread.affected($0) })
        var columns = Self.scratch(stemRegions.positions * 27)
        columns.withUnsafeMutableBufferPointer { col in
            for (p, box) in stemRegions.boxes.enumerated() {
                fillStemColumns(box: box, patch: patches[p], spread: stemSpread, into: col.baseAddress! + stemRegions.offsets[p] * 27)
            }
        }
        var stemOutput = Self.scratch(stemRegions.positions * Architecture.stemChannels)
        columns.withUnsafeBufferPointer { col in
            stemOutput.withUnsafeMutableBufferPointer { stemRows.apply(input: col.baseAddress!, rows: stemRegions.positions, output: $0.baseAddress!, workers: workers) }
        }
        macs += stemRegions.positions * 27 * Architecture.stemChannels
        var corrections = [Double](repeating: 0, count: patches.count)
        var layer = Layer(regions: stemRegions, values: stemOutput, changed: nil)

        for block in network.blocks {
            let spec = block.spec, b = spec.index, e = spec.expandedChannels
            let side = sides[b], outSide = sides[b + 1]
            let thresholded = changeThreshold != nil && b >= Self.thresholdedFrom
            if thresholded { layer = pruned(layer, input: b, corrections: &corrections) }
            let regions = layer.regions, x = layer.values
            // Expand (1×1) over the changed positions.
            var expandedNew = x
            if let expand = block.expand {
                let rows: Int
                (expandedNew, rows) = apply(expand, to: layer, recorded: nil, side: side, workers: workers)
                macs += rows * spec.inputChannels * e
            }
            // Depthwise over the outputs the change reaches, reading its tiles in runs from the record and the changed values.
            let spread = Spread(kernel: spec.kernel, stride: spec.stride, height: side, width: side)
            let next = Regions(regions.boxes.map { spread.affected($0) })
            var dw = Self.scratch(next.positions * e)
            expandedNew.withUnsafeBufferPointer { changed in
                record.expanded[b].withUnsafeBufferPointer { recorded in
                    dw.withUnsafeMutableBufferPointer { out in
                        let out = out.baseAddress!, changed = changed.baseAddress!, recorded = recorded.baseAddress!
                        parallelChunks(next.boxes.count, workers: workers) { range in
                            for p in range where !next.boxes[p].isEmpty {
                                let target = next.boxes[p]
                                let source = Source(side: side, channels: e, recorded: recorded,
                                                    changed: changed + regions.offsets[p] * e, changedBox: regions.boxes[p],
                                                    flags: layer.changed, flagOffset: regions.offsets[p])
                                block.depthwise.apply(height: side, width: side, output: out + next.offsets[p] * e,
                                                      rows: target.rows, columns: target.columns,
                                                      outputWidth: target.columns.count, run: source.run)
                            }
                        }
                    }
                }
            }
            macs += next.positions * spec.kernel * spec.kernel * e
            // Project (1×1) the depthwise outputs that changed, then the residual
            // from the record overlaid with the change.
            var depthwiseLayer = Layer(regions: next, values: dw, changed: nil)
            if thresholded {
                depthwiseLayer.changed = flagged(depthwiseLayer, recorded: record.depthwise[b], scale: depthwiseScale[b] * Self.depthwiseThresholdFactor,
                                                 gradient: gradient?.depthwise[b], side: outSide, channels: e,
                                                 corrections: &corrections)
            }
            var (projectedNew, rows) = apply(block.project, to: depthwiseLayer, recorded: thresholded ? projected[b] : nil,
                                             side: outSide, workers: workers)
            macs += rows * e * spec.outputChannels
            if spec.hasResidual { Self.addResidual(x, regions: regions, record: record.blockInputs[b], to: &projectedNew, over: next,
                                                  side: side, channels: spec.inputChannels) }
            layer = Layer(regions: next, values: projectedNew, changed: nil)
        }
        if changeThreshold != nil { layer = pruned(layer, input: 16, corrections: &corrections) }

        // Head (1×1 + ReLU6) over the changed positions; the pooled mean moves by their change.
        let positions = sides[16] * sides[16], hc = Architecture.headChannels
        let (head, rows) = apply(network.head, to: layer, recorded: nil, side: sides[16], workers: workers)
        macs += rows * 320 * hc
        var sums = [Double](repeating: 0, count: patches.count * hc)
        layer.regions.forEachPosition { p, k, y, x in
            guard layer.changed?[k] ?? true else { return }
            let recorded = (y * sides[16] + x) * hc
            for c in 0..<hc { sums[p * hc + c] += Double(head[k * hc + c]) - Double(record.headOutput[recorded + c]) }
        }
        let embeddings = patches.indices.map { p in (0..<hc).map { base[$0] + Float(sums[p * hc + $0] / Double(positions)) } }
        return (embeddings, corrections, macs)
    }

    /// An array every element of which its caller writes before reading,
    /// left unfilled: zeroing each layer's regions for a batch of patches was
    /// 5% of an approximate explanation's profile (`perf`).
    static func scratch(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// im2col rows of the stem for the positions in `box`, reading the image
    /// with `patch` filled from the baseline.
    func fillStemColumns(box: GridBox, patch: GridBox, spread: Spread, into out: UnsafeMutablePointer<Float>) {
        let size = Architecture.inputSize
        var row = 0
        for oy in box.rows {
            for ox in box.columns {
                let dst = out + row * 27
                for ky in 0..<3 {
                    let iy = oy * 2 - spread.padBefore.rows + ky
                    for kx in 0..<3 {
                        let ix = ox * 2 - spread.padBefore.columns + kx
                        for c in 0..<3 {
                            var v: Float = 0
                            if iy >= 0 && iy < size && ix >= 0 && ix < size {
                                let i = (iy * size + ix) * 3 + c
                                v = patch.contains(iy, ix) ? baseline[i] : image[i]
                            }
                            dst[(ky * 3 + kx) * 3 + c] = v
                        }
                    }
                }
                row += 1
            }
        }
    }
}
