/// TensorFlow's 'SAME' padding, which the EfficientNet-Lite weights were trained
/// with: out = ceil(in / stride), and any odd padding goes after (bottom/right).
public struct SamePadding: Equatable, Sendable {
    public let output: Int
    public let before: Int
    public let after: Int

    public init(input: Int, kernel: Int, stride: Int) {
        output = (input + stride - 1) / stride
        let total = max((output - 1) * stride + kernel - input, 0)
        before = total / 2
        after = total - before
    }
}

/// A convolution with 'SAME' padding: a square kernel moved by a stride.
public protocol SamePaddedConvolution {
    var kernel: Int { get }
    var stride: Int { get }
}

extension SamePaddedConvolution {
    /// The padding of an input of `height`×`width`, and so the output's size.
    public func padding(height: Int, width: Int) -> (rows: SamePadding, columns: SamePadding) {
        (SamePadding(input: height, kernel: kernel, stride: stride),
         SamePadding(input: width, kernel: kernel, stride: stride))
    }
}
