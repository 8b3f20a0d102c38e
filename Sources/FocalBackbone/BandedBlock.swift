import FocalNumerics

/// The early blocks of one image, run band by band of output rows.
///
/// Their expansions are the network's largest activations (112×112×96 floats
/// is 4.8 MB), so running a block layer by layer writes each one out to memory
/// and reads it back twice. Run a few output rows at a time instead: expand
/// just the input rows those outputs read, apply the depthwise convolution,
/// project; the rows in flight stay in the core's L2 cache. Expanded rows that
/// the next band reads again slide to the front of the buffer rather than
/// being computed twice.
extension EfficientNetLite0 {
    /// Floats in each of a band's two buffers (expanded rows, depthwise rows):
    /// 256 KB each, so both and the block's weights fit a 1 MB L2.
    static let bandCapacity = 64 * 1024

    /// Scratch for one worker's bands.
    final class BandBuffers {
        let expanded = UnsafeMutablePointer<Float>.allocate(capacity: EfficientNetLite0.bandCapacity)
        let depthwise = UnsafeMutablePointer<Float>.allocate(capacity: EfficientNetLite0.bandCapacity)
        deinit {
            expanded.deallocate()
            depthwise.deallocate()
        }
    }

    /// Output rows per band of `block` on a `side`×`side` input: as many as fit
    /// the buffers, at least one.
    static func bandRows(_ spec: Architecture.Block, side: Int) -> Int {
        let outSide = SamePadding(input: side, kernel: spec.kernel, stride: spec.stride).output
        let e = spec.expandedChannels
        var rows = 1
        while rows < outSide
                && (rows * spec.stride + spec.kernel) * side * e <= bandCapacity
                && (rows + 1) * outSide * e <= bandCapacity {
            rows += 1
        }
        return rows
    }

    /// Whether `bandCapacity` holds the rows one band of `block` needs.
    static func fitsBands(_ spec: Architecture.Block, side: Int) -> Bool {
        let outSide = SamePadding(input: side, kernel: spec.kernel, stride: spec.stride).output
        return spec.kernel * side * spec.expandedChannels <= bandCapacity && outSide * spec.expandedChannels <= bandCapacity
    }

    /// Runs `block` on one `side`×`side` image from `input` into `output`,
    /// output rows `rows` only, band by band, with `buffers` as scratch.
    func runBands(_ block: Block, input: UnsafePointer<Float>, side: Int, output: UnsafeMutablePointer<Float>,
                  rows: Range<Int>, buffers: BandBuffers) {
        let spec = block.spec, e = spec.expandedChannels, s = spec.stride, k = spec.kernel
        let padding = SamePadding(input: side, kernel: k, stride: s)
        let outSide = padding.output
        let band = Self.bandRows(spec, side: side)
        // Input rows [top, top + held) are expanded in `buffers.expanded`.
        var top = 0, held = 0
        var r0 = rows.lowerBound
        while r0 < rows.upperBound {
            let r1 = min(rows.upperBound, r0 + band)
            let lo = max(0, r0 * s - padding.before), hi = min(side, (r1 - 1) * s - padding.before + k)
            var source = input
            if let expand = block.expand {
                // Keep the held rows this band reads again; expand the rest.
                let keep = min(max(lo, top), top + held)..<(top + held)
                if !keep.isEmpty && keep.lowerBound > top {
                    buffers.expanded.update(from: buffers.expanded + (keep.lowerBound - top) * side * e,
                                            count: keep.count * side * e)
                }
                let first = keep.isEmpty ? lo : keep.upperBound
                if first < hi {
                    expand.apply(input: input + first * side * spec.inputChannels, rows: (hi - first) * side,
                                 output: buffers.expanded + (first - lo) * side * e)
                }
                top = lo
                held = hi - lo
                source = UnsafePointer(buffers.expanded)
            }
            block.depthwise.apply(input: source, height: side, width: side,
                                  inputTop: block.expand == nil ? 0 : lo, inputLeft: 0, inputWidth: side,
                                  output: buffers.depthwise, rows: r0..<r1, columns: 0..<outSide, outputWidth: outSide)
            block.project.apply(input: buffers.depthwise, rows: (r1 - r0) * outSide,
                                output: output + r0 * outSide * spec.outputChannels,
                                residual: spec.hasResidual ? input + r0 * outSide * spec.inputChannels : nil)
            r0 = r1
        }
    }
}
