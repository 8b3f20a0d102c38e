/// EfficientNet-Lite0's shape: the stem, 16 MBConv blocks in 7 stages, the head.
/// (No squeeze-excite, ReLU6 everywhere, as in the Lite variants.)
public enum Architecture {
    public struct Stage: Sendable {
        public let repeats, kernel, stride, expansion, inputChannels, outputChannels: Int
    }

    public static let stemChannels = 32
    public static let headChannels = 1280
    public static let classCount = 1000
    public static let inputSize = 224
    public static let batchNormEpsilon = 1e-3

    public static let stages: [Stage] = [
        Stage(repeats: 1, kernel: 3, stride: 1, expansion: 1, inputChannels: 32, outputChannels: 16),
        Stage(repeats: 2, kernel: 3, stride: 2, expansion: 6, inputChannels: 16, outputChannels: 24),
        Stage(repeats: 2, kernel: 5, stride: 2, expansion: 6, inputChannels: 24, outputChannels: 40),
        Stage(repeats: 3, kernel: 3, stride: 2, expansion: 6, inputChannels: 40, outputChannels: 80),
        Stage(repeats: 3, kernel: 5, stride: 1, expansion: 6, inputChannels: 80, outputChannels: 112),
        Stage(repeats: 4, kernel: 5, stride: 2, expansion: 6, inputChannels: 112, outputChannels: 192),
        Stage(repeats: 1, kernel: 3, stride: 1, expansion: 6, inputChannels: 192, outputChannels: 320),
    ]

    /// One MBConv block's settings; the stride applies to a stage's first block only.
    public struct Block: Sendable {
        public let index, kernel, stride, expansion, inputChannels, outputChannels: Int
        public var expandedChannels: Int { inputChannels * expansion }
        public var hasResidual: Bool { stride == 1 && inputChannels == outputChannels }
    }

    public static let blocks: [Block] = {
        var blocks: [Block] = []
        for stage in stages {
            for r in 0..<stage.repeats {
                blocks.append(Block(index: blocks.count, kernel: stage.kernel, stride: r == 0 ? stage.stride : 1,
                                    expansion: stage.expansion,
                                    inputChannels: r == 0 ? stage.inputChannels : stage.outputChannels,
                                    outputChannels: stage.outputChannels))
            }
        }
        return blocks
    }()
}
