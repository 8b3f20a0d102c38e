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
