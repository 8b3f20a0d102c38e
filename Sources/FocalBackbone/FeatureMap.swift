import FocalNumerics

/// The head's output before global average pooling: 1280 features at each
/// position of the last (stride-32) grid, for an input of any size.
///
/// The embedding is the mean of these rows, so a score linear in the
/// embedding, `w·e + b`, is exactly `b + Σ_p w·f_p / P` over the P positions:
/// `contributions` splits a score over the grid with nothing left over (a
/// class activation map, exact by construction, from one forward pass).
public struct FeatureMap: Sendable {
    /// The square input's side, in pixels.
    public let inputSide: Int
    /// Positions per row and per column of the grid.
    public let side: Int
    /// `side`² rows of 1280 features, rows of the grid top to bottom, each left to right.
    public let values: [Float]

    public var positions: Int { side * side }

    /// The mean over positions: what `EfficientNetLite0.embed` returns at 224.
    public var embedding: [Float] {
        let d = EfficientNetLite0.embeddingSize
        var mean = [Double](repeating: 0, count: d)
        for p in 0..<positions { for k in 0..<d { mean[k] += Double(values[p * d + k]) } }
        return mean.map { Float($0 / Double(positions)) }
    }

    /// Each position's share of `score`, `w·f_p / P`: they sum to the score
    /// of the pooled embedding minus its bias.
    public func contributions(_ score: LinearScore) -> [Double] {
        let d = EfficientNetLite0.embeddingSize
        let scale = 1 / Double(positions)
        return values.withUnsafeBufferPointer { v in
            (0..<positions).map { p in
                var total = 0.0
                for k in 0..<d { total += score.weights[k] * Double(v[p * d + k]) }
                return total * scale
            }
        }
    }
}

extension EfficientNetLite0 {
    /// The smallest input the network takes: one position of its last grid.
    public static let minimumInputSide = 32

    /// The feature map of one normalised `side`×`side`×3 channel-last image.
    /// TensorFlow SAME padding holds at every size (out = ⌈in / stride⌉, the
    /// odd pixel of padding after), as the weights were trained with.
    /// `workers` threads share its layers (default: the network's).
    public func featureMap(_ input: [Float], side: Int, workers: Int? = nil) -> FeatureMap {
        precondition(side >= Self.minimumInputSide && input.count == side * side * 3,
                     "a feature map needs a square input of at least \(Self.minimumInputSide) pixels")
        let grid = Self.sides(input: side).last!
        let count = grid * grid * Self.embeddingSize
        var values = [Float](repeating: 0, count: count)
        var pooled = [Float](repeating: 0, count: Self.embeddingSize)
        let workspace = Workspace(inputSide: side)
        let map = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { map.deallocate() }
        input.withUnsafeBufferPointer { inp in
            pooled.withUnsafeMutableBufferPointer { out in
                embedGroup(inp.baseAddress!, count: 1, into: out.baseAddress!, workspace: workspace, workers: workers, inputSide: side,
                           head: { map.update(from: $0, count: count) })
            }
        }
        values.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: map, count: count) }
        return FeatureMap(inputSide: side, side: grid, values: values)
    }

    /// Where position `o` of the last grid looks, along either axis of a
    /// `side`-pixel input: the centre of its receptive field, `step·o + offset`
    /// in pixel coordinates (pixel i spans [i, i + 1)). SAME padding puts the
    /// odd pixel after, so at 224 the centres sit 15.5 pixels right of and
    /// below the grid cells' own centres (31.5 + 32·o, not 16 + 32·o).
    public static func receptiveFieldCentres(inputSide side: Int) -> (step: Double, offset: Double) {
        // Each layer maps its output index o to the input index it centres on:
        // stride·o − padding before + (kernel − 1) / 2. Compose them from the input on.
        var step = 1.0, offset = 0.0, n = side
        func layer(kernel: Int, stride: Int) {
            let padding = SamePadding(input: n, kernel: kernel, stride: stride)
            offset += step * (Double((kernel - 1) / 2) - Double(padding.before))
            step *= Double(stride)
            n = padding.output
        }
        layer(kernel: 3, stride: 2)
        for b in Architecture.blocks { layer(kernel: b.kernel, stride: b.stride) }
        return (step, offset + 0.5)
    }

    /// Multiply-adds of one full forward pass to the embedding.
    public var multiplyAddsPerImage: Int { multiplyAdds(inputSide: Architecture.inputSize) }

    /// Multiply-adds of one forward pass of a `side`×`side` input to the head's output.
    public func multiplyAdds(inputSide: Int) -> Int {
        var side = SamePadding(input: inputSide, kernel: 3, stride: 2).output
        var total = side * side * 27 * Architecture.stemChannels
        for block in blocks {
            let spec = block.spec, e = spec.expandedChannels
            if block.expand != nil { total += side * side * spec.inputChannels * e }
            side = SamePadding(input: side, kernel: spec.kernel, stride: spec.stride).output
            total += side * side * (spec.kernel * spec.kernel * e + e * spec.outputChannels)
        }
        return total + side * side * 320 * Architecture.headChannels
    }
}
