import FocalNumerics
import Foundation

extension EfficientNetLite0 {
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
}
