import FocalBackbone
import FocalNumerics

/// The changed activations of one layer for a batch of patches, and the
/// operations incremental occlusion runs on them.
extension Incremental {
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

        /// `body(patch, k, y, x)` for every position of every box, row by row:
        /// `k` counts positions across the packed boxes, (y, x) is in the layer.
        @inline(__always)
        func forEachPosition(_ body: (_ patch: Int, _ k: Int, _ y: Int, _ x: Int) -> Void) {
            for (p, box) in boxes.enumerated() {
                var k = offsets[p]
                for y in box.rows {
                    for x in box.columns { body(p, k, y, x); k += 1 }
                }
            }
        }
    }

    /// One layer's new activations for a batch of patches: dense over each
    /// patch's box, and which positions count as changed (nil: all). After
    /// `pruned` the others hold the recorded values; a depthwise output keeps
    /// its new values there, whose first-order effect `flagged` took.
    struct Layer {
        var regions: Regions
        var values: [Float]
        var changed: [Bool]?
    }

    /// The input of block `b` (16: of the head) with the positions that moved
    /// less than the threshold set back to their recorded values, each patch's
    /// box cut to the ones that moved, and the first-order score change of
    /// what was set back added to `corrections`.
    func pruned(_ layer: Layer, input b: Int, corrections: inout [Double]) -> Layer {
        let c = network.channels(atInputOf: b), recorded = record.blockInputs[b]
        let changed = flagged(layer, recorded: recorded, scale: inputScale[b], gradient: gradient?.blockInputs[b],
                              side: sides[b], channels: c, corrections: &corrections)
        return Self.shrunk(layer, changed: changed, recorded: recorded, side: sides[b], channels: c)
    }

    /// Per position of `layer`: whether a channel moved from the record by
    /// more than the threshold times `scale`. With a gradient, the first-order
    /// score change of the positions that did not, gradient · (value −
    /// recorded), is added to their patch's correction (one pass, see `Move.small`).
    func flagged(_ layer: Layer, recorded: [Float], scale: Float, gradient: [Float]?, side: Int, channels c: Int,
                 corrections: inout [Double]) -> [Bool] {
        let tolerance = changeThreshold! * scale
        var out = [Bool](repeating: false, count: layer.regions.positions)
        let noGradient: [Float] = []
        layer.values.withUnsafeBufferPointer { values in
            recorded.withUnsafeBufferPointer { recorded in
                (gradient ?? noGradient).withUnsafeBufferPointer { g in
                    let values = values.baseAddress!, recorded = recorded.baseAddress!
                    let g = gradient == nil ? nil : g.baseAddress
                    layer.regions.forEachPosition { p, k, y, x in
                        let r = (y * side + x) * c
                        if let move = Move.small(from: recorded + r, to: values + k * c, count: c, tolerance: tolerance,
                                                 gradient: g.map { $0 + r }) {
                            corrections[p] += Double(move)
                        } else {
                            out[k] = true
                        }
                    }
                }
            }
        }
        return out
    }

    /// Each patch's box cut to the bounding box of its changed positions
    /// (empty when none changed); inside it, the changed values are kept and
    /// the others set back to `recorded`.
    static func shrunk(_ layer: Layer, changed: [Bool], recorded: [Float], side: Int, channels c: Int) -> Layer {
        let old = layer.regions
        var top = [Int](repeating: .max, count: old.boxes.count), bottom = [Int](repeating: .min, count: old.boxes.count)
        var left = top, right = bottom
        old.forEachPosition { p, k, y, x in
            guard changed[k] else { return }
            top[p] = min(top[p], y); bottom[p] = max(bottom[p], y); left[p] = min(left[p], x); right[p] = max(right[p], x)
        }
        let boxes = old.boxes.indices.map { p in
            top[p] == .max ? GridBox(rows: 0..<0, columns: 0..<0) : GridBox(rows: top[p]..<(bottom[p] + 1), columns: left[p]..<(right[p] + 1))
        }
        let regions = Regions(boxes)
        var values = scratch(regions.positions * c), flags = [Bool](repeating: false, count: regions.positions)
        values.withUnsafeMutableBufferPointer { out in
            layer.values.withUnsafeBufferPointer { new in
                recorded.withUnsafeBufferPointer { recorded in
                    regions.forEachPosition { p, k, y, x in
                        let from = old.boxes[p]
                        let q = old.offsets[p] + (y - from.rows.lowerBound) * from.columns.count + (x - from.columns.lowerBound)
                        flags[k] = changed[q]
                        let source = changed[q] ? new.baseAddress! + q * c : recorded.baseAddress! + (y * side + x) * c
                        (out.baseAddress! + k * c).update(from: source, count: c)
                    }
                }
            }
        }
        return Layer(regions: regions, values: values, changed: flags)
    }

    /// `layer`'s values through a 1×1 convolution: the changed positions
    /// computed (one GEMM over all patches), the others copied from
    /// `recorded`, the convolution's whole output for the unoccluded image,
    /// or, without it, left unfilled for the caller to read from elsewhere.
    /// Returns the output, dense like the input, and the rows computed.
    func apply(_ convolution: PointwiseConvolution, to layer: Layer, recorded: [Float]?, side: Int,
               workers: Int) -> (output: [Float], rows: Int) {
        let k = convolution.inputChannels, n = convolution.outputChannels
        let positions = layer.regions.positions
        var output = Self.scratch(positions * n)
        guard let changed = layer.changed, changed.contains(false) else {
            layer.values.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { convolution.apply(input: input.baseAddress!, rows: positions, output: $0.baseAddress!, workers: workers) }
            }
            return (output, positions)
        }
        let rows = changed.indices.filter { changed[$0] }
        var packed = Self.scratch(rows.count * k), computed = Self.scratch(rows.count * n)
        layer.values.withUnsafeBufferPointer { values in
            packed.withUnsafeMutableBufferPointer { packed in
                for (r, q) in rows.enumerated() { (packed.baseAddress! + r * k).update(from: values.baseAddress! + q * k, count: k) }
            }
        }
        packed.withUnsafeBufferPointer { input in
            computed.withUnsafeMutableBufferPointer { convolution.apply(input: input.baseAddress!, rows: rows.count, output: $0.baseAddress!, workers: workers) }
        }
        output.withUnsafeMutableBufferPointer { out in
            computed.withUnsafeBufferPointer { computed in
                for (r, q) in rows.enumerated() { (out.baseAddress! + q * n).update(from: computed.baseAddress! + r * n, count: n) }
            }
            guard let recorded else { return }
            recorded.withUnsafeBufferPointer { recorded in
                layer.regions.forEachPosition { _, q, y, x in
                    if !changed[q] { (out.baseAddress! + q * n).update(from: recorded.baseAddress! + (y * side + x) * n, count: n) }
                }
            }
        }
        return (output, rows.count)
    }

    /// Where one patch's activations of a layer are: the changed ones packed
    /// over `changedBox` (those whose flag is unset excepted), the others in
    /// the record. Its `run` hands the depthwise layer contiguous pieces of a
    /// row, so the tile it reads is copied once, into its padded band.
    struct Source {
        let side: Int
        let channels: Int
        let recorded: UnsafePointer<Float>
        let changed: UnsafePointer<Float>
        let changedBox: GridBox
        /// Per position of the packed layer (from `flagOffset` on for this box); nil: all changed.
        let flags: [Bool]?
        let flagOffset: Int

        /// The address of pixel (y, columns.lowerBound) and how many pixels from it on come from the same place.
        func run(_ y: Int, _ columns: Range<Int>) -> (UnsafePointer<Float>, count: Int) {
            let x = columns.lowerBound, box = changedBox.columns
            let fromRecord = recorded + (y * side + x) * channels
            guard changedBox.rows.contains(y) && x < box.upperBound else { return (fromRecord, columns.count) }
            if x < box.lowerBound { return (fromRecord, min(columns.upperBound, box.lowerBound) - x) }
            let end = min(columns.upperBound, box.upperBound)
            let q = (y - changedBox.rows.lowerBound) * box.count + (x - box.lowerBound)
            guard let flags else { return (changed + q * channels, end - x) }
            let flag = flags[flagOffset + q]
            var count = 1
            while x + count < end && flags[flagOffset + q + count] == flag { count += 1 }
            return (flag ? changed + q * channels : fromRecord, count)
        }
    }

    /// Adds a stride-1 block's input (`input` over `regions`, the record
    /// elsewhere) to its new outputs over `next` (the same side), reading each
    /// row in runs from where it is, without a gathered copy.
    static func addResidual(_ input: [Float], regions: Regions, record: [Float], to output: inout [Float], over next: Regions,
                            side: Int, channels c: Int) {
        output.withUnsafeMutableBufferPointer { out in
            record.withUnsafeBufferPointer { recorded in
                input.withUnsafeBufferPointer { changed in
                    for (p, box) in next.boxes.enumerated() where !box.isEmpty {
                        let source = Source(side: side, channels: c, recorded: recorded.baseAddress!,
                                            changed: changed.baseAddress! + regions.offsets[p] * c, changedBox: regions.boxes[p],
                                            flags: nil, flagOffset: 0)
                        var o = out.baseAddress! + next.offsets[p] * c
                        for y in box.rows {
                            var x = box.columns.lowerBound
                            while x < box.columns.upperBound {
                                let (from, count) = source.run(y, x..<box.columns.upperBound)
                                for i in 0..<(count * c) { o[i] += from[i] }
                                o += count * c
                                x += count
                            }
                        }
                    }
                }
            }
        }
    }
}
