import FocalNumerics
import Foundation

/// How a batch is spread over the workers: whole images per worker, or one
/// image's rows between them, and the late blocks on groups of images.
extension EfficientNetLite0 {
    /// A worker runs the blocks before this one image by image (their
    /// activations are large: 112×112×96 floats is 4.8 MB, so they go band by
    /// band, see `runBands`) and, with several images, the later blocks (from
    /// the second 28×28 one on) on `lateGroupSize` images at once, so that each
    /// of their SGEMMs packs its weights once for eight images.
    static let lateStart = 4
    static let lateGroupSize = 8

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
}
