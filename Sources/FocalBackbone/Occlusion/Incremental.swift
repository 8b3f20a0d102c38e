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
    /// When set, the changed region of each layer is cut to at most this share
    /// of the layer's side, around its centre (Krypton's projective-field
    /// threshold τ): the far edges of a deep layer's region move the score
    /// little, and in the 14×14 and 7×7 layers they are most of the work.
    /// nil computes the whole region: exact.
    var fieldLimit: Double?

    /// The stem as a GEMM over im2col rows ((ky·3 + kx)·3 + ci): a patch's
    /// stem outputs form a box whose input is read with the patch filled in.
    let stemRows: PointwiseConvolution

    /// The unoccluded image's activations, by layer.
    let blockInputs: [[Float]]   // 17: the input of each block, then the last block's output
    let expanded: [[Float]]      // 16
    let headOutput: [Float]
    let base: [Float]
    let sides: [Int]             // spatial side of blockInputs[b]

    init(network: EfficientNetLite0, image: [Float], baseline: [Float], fieldLimit: Double? = nil) {
        self.network = network
        self.image = image
        self.baseline = baseline
        self.fieldLimit = fieldLimit
        let stem = network.stemConvolution
        let taps = stem.kernel * stem.kernel * stem.inputChannels
        var rows = [Float](repeating: 0, count: taps * stem.outputChannels)
        for t in 0..<taps { for o in 0..<stem.outputChannels { rows[o * taps + t] = stem.weights[t * stem.outputChannels + o] } }
        stemRows = PointwiseConvolution(inputChannels: taps, outputChannels: stem.outputChannels, weights: rows,
                                        bias: stem.bias, activation: stem.activation)
        let sides = EfficientNetLite0.inputSides
        self.sides = sides
        var inputs = [[Float]](repeating: [], count: 17), expanded = [[Float]](repeating: [], count: 16)
        var head: [Float] = []
        var embedding = [Float](repeating: 0, count: EfficientNetLite0.embeddingSize)
        let workspace = EfficientNetLite0.Workspace()
        image.withUnsafeBufferPointer { input in
            embedding.withUnsafeMutableBufferPointer { out in
                network.embedGroup(input.baseAddress!, count: 1, into: out.baseAddress!, workspace: workspace) { what, pointer in
                    switch what {
                    case .blockInput(let b):
                        let c = b < 16 ? network.blocks[b].spec.inputChannels : network.blocks[15].spec.outputChannels
                        inputs[b] = Array(UnsafeBufferPointer(start: pointer, count: sides[b] * sides[b] * c))
                    case .expanded(let b):
                        expanded[b] = Array(UnsafeBufferPointer(start: pointer, count: sides[b] * sides[b] * network.blocks[b].spec.expandedChannels))
                    case .head:
                        head = Array(UnsafeBufferPointer(start: pointer, count: sides[16] * sides[16] * Architecture.headChannels))
                    }
                }
            }
        }
        blockInputs = inputs
        self.expanded = expanded
        headOutput = head
        base = embedding
    }

    /// Regions of one layer for a batch of patches, packed one after another
    /// (each row-major, `channels` floats per position).
    struct Regions {
        var boxes: [GridBox]
        var offsets: [Int]     // position offset of each box
        var positions: Int

        init(_ boxes: [GridBox]) {
            self.boxes = boxes
            offsets = []
            var total = 0
            for b in boxes { offsets.append(total); total += b.count }
            positions = total
        }
    }

    /// With several workers the patches are split between them, each running
    /// its share single-threaded: a patch's regions are small, so splitting
    /// each layer between workers would mostly be waiting for one another.
    func embeddings(patches: [GridBox], batchSize: Int) -> Occlusion.Result {
        let lanes = laneCount(patches.count, workers: network.workers)
        var parts = [([[Float]], Int)](repeating: ([], 0), count: lanes)
        parts.withUnsafeMutableBufferPointer { results in
            let results = results.baseAddress!
            parallelShares(patches.count, lanes: lanes) { lane, indices in
                let share = Array(patches[indices])
                var all: [[Float]] = [], macs = 0
                for start in stride(from: 0, to: share.count, by: batchSize) {
                    let (embeddings, spent) = run(Array(share[start..<min(share.count, start + batchSize)]),
                                                  workers: lanes > 1 ? 1 : network.workers)
                    all += embeddings
                    macs += spent
                }
                results[lane] = (all, macs)
            }
        }
        return Occlusion.Result(embeddings: parts.flatMap(\.0), base: base, multiplyAdds: parts.map(\.1).reduce(0, +))
    }

    func run(_ patches: [GridBox], workers: Int) -> ([[Float]], Int) {
        var macs = 0
        let size = Architecture.inputSize
        // Stem: the 3×3/2 outputs each patch reaches, from occluded pixels.
        let stemSpread = Spread(kernel: 3, stride: 2, height: size, width: size)
        var regions = Regions(patches.map { stemSpread.affected($0) })
        var columns = Self.scratch(regions.positions * 27)
        columns.withUnsafeMutableBufferPointer { col in
            for (p, box) in regions.boxes.enumerated() {
                fillStemColumns(box: box, patch: patches[p], spread: stemSpread, into: col.baseAddress! + regions.offsets[p] * 27)
            }
        }
        var x = Self.scratch(regions.positions * Architecture.stemChannels)
        columns.withUnsafeBufferPointer { col in
            x.withUnsafeMutableBufferPointer { stemRows.apply(input: col.baseAddress!, rows: regions.positions, output: $0.baseAddress!, workers: workers) }
        }
        macs += regions.positions * 27 * Architecture.stemChannels

        for block in network.blocks {
            let spec = block.spec, b = spec.index, e = spec.expandedChannels
            let side = sides[b], outSide = sides[b + 1]
            // Expand (1×1) over the changed positions.
            var expandedNew = x
            if let expand = block.expand {
                expandedNew = Self.scratch(regions.positions * e)
                x.withUnsafeBufferPointer { xp in
                    expandedNew.withUnsafeMutableBufferPointer { expand.apply(input: xp.baseAddress!, rows: regions.positions, output: $0.baseAddress!, workers: workers) }
                }
                macs += regions.positions * spec.inputChannels * e
            }
            // Depthwise over the outputs the change reaches, on tiles gathered from the record.
            let spread = Spread(kernel: spec.kernel, stride: spec.stride, height: side, width: side)
            let limit = fieldLimit.map { max(1, Int((Double(outSide) * $0).rounded(.up))) }
            let scale = Double(outSide) / Double(size)
            let next = Regions(regions.boxes.enumerated().map { p, box in
                let reached = spread.affected(box)
                guard let limit else { return reached }
                // Centred on the patch, not on the reached region, which image edges clip.
                let patch = patches[p]
                return reached.cut(side: limit, centre: (Double(patch.rows.lowerBound + patch.rows.upperBound) / 2 * scale,
                                                         Double(patch.columns.lowerBound + patch.columns.upperBound) / 2 * scale))
            })
            var dw = Self.scratch(next.positions * e)
            let record = expanded[b]
            expandedNew.withUnsafeBufferPointer { changed in
                record.withUnsafeBufferPointer { recorded in
                    dw.withUnsafeMutableBufferPointer { out in
                        let out = out.baseAddress!, changed = changed.baseAddress!, recorded = recorded.baseAddress!
                        parallelChunks(next.boxes.count, workers: workers) { range in
                            for p in range where !next.boxes[p].isEmpty {
                                let target = next.boxes[p]
                                let tile = spread.receptive(target)
                                let gathered = gather(tile: tile, side: side, channels: e, recorded: recorded,
                                                      changed: changed + regions.offsets[p] * e, changedBox: regions.boxes[p])
                                gathered.withUnsafeBufferPointer { g in
                                    block.depthwise.apply(input: g.baseAddress!, height: side, width: side,
                                                          inputTop: tile.rows.lowerBound, inputLeft: tile.columns.lowerBound,
                                                          inputWidth: tile.columns.count, output: out + next.offsets[p] * e,
                                                          rows: target.rows, columns: target.columns, outputWidth: target.columns.count)
                                }
                            }
                        }
                    }
                }
            }
            macs += next.positions * spec.kernel * spec.kernel * e
            // Project (1×1), then the residual from the record overlaid with the change.
            var projected = Self.scratch(next.positions * spec.outputChannels)
            dw.withUnsafeBufferPointer { d in
                projected.withUnsafeMutableBufferPointer { block.project.apply(input: d.baseAddress!, rows: next.positions, output: $0.baseAddress!, workers: workers) }
            }
            macs += next.positions * e * spec.outputChannels
            if spec.hasResidual {
                let c = spec.inputChannels
                let record = blockInputs[b]
                for (p, box) in next.boxes.enumerated() {
                    let residual = gather(tile: box, side: side, channels: c, recorded: record,
                                          changed: x, changedOffset: regions.offsets[p] * c, changedBox: regions.boxes[p])
                    let o = next.offsets[p] * c
                    for i in 0..<residual.count { projected[o + i] += residual[i] }
                }
            }
            x = projected
            regions = next
        }

        // Head (1×1 + ReLU6) over the changed positions; the pooled mean moves by their change.
        let positions = sides[16] * sides[16], hc = Architecture.headChannels
        var head = Self.scratch(regions.positions * hc)
        x.withUnsafeBufferPointer { xp in
            head.withUnsafeMutableBufferPointer { network.head.apply(input: xp.baseAddress!, rows: regions.positions, output: $0.baseAddress!, workers: workers) }
        }
        macs += regions.positions * 320 * hc
        var embeddings: [[Float]] = []
        for (p, box) in regions.boxes.enumerated() {
            var sum = [Double](repeating: 0, count: hc)
            var k = regions.offsets[p]
            for y in box.rows {
                for xx in box.columns {
                    let recorded = (y * sides[16] + xx) * hc
                    for c in 0..<hc { sum[c] += Double(head[k * hc + c]) - Double(headOutput[recorded + c]) }
                    k += 1
                }
            }
            embeddings.append((0..<hc).map { base[$0] + Float(sum[$0] / Double(positions)) })
        }
        return (embeddings, macs)
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

    /// The activations over `tile` (row-major): recorded values, overlaid with
    /// the changed ones where `changedBox` covers them.
    func gather(tile: GridBox, side: Int, channels c: Int, recorded: UnsafePointer<Float>,
                changed: UnsafePointer<Float>, changedBox: GridBox) -> [Float] {
        var out = Self.scratch(tile.count * c)
        out.withUnsafeMutableBufferPointer { o in
            var k = 0
            for y in tile.rows {
                for x in tile.columns {
                    let src = changedBox.contains(y, x)
                        ? changed + ((y - changedBox.rows.lowerBound) * changedBox.columns.count + (x - changedBox.columns.lowerBound)) * c
                        : recorded + (y * side + x) * c
                    (o.baseAddress! + k * c).update(from: src, count: c)
                    k += 1
                }
            }
        }
        return out
    }

    func gather(tile: GridBox, side: Int, channels c: Int, recorded: [Float], changed: [Float],
                changedOffset: Int, changedBox: GridBox) -> [Float] {
        recorded.withUnsafeBufferPointer { r in
            changed.withUnsafeBufferPointer { ch in
                gather(tile: tile, side: side, channels: c, recorded: r.baseAddress!,
                       changed: ch.baseAddress! + changedOffset, changedBox: changedBox)
            }
        }
    }
}
