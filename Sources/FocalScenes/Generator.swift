import FocalFiles
import FocalImages
import FocalNumerics
import Foundation

/// One rendered image with its element masks.
public struct RenderedScene {
    public var image: RGBImage
    /// Visible element instances (those with at least one mask pixel), in drawing order.
    public var masks: [ElementMask]
    public var jpegQuality: Int
    /// How many layouts were tried before every element was visible enough.
    public var attempts: Int
}

/// What to generate.
public struct SynthConfiguration: Sendable {
    public var seed: UInt64
    /// Images are `size` × `size` pixels.
    public var size: Int
    public var counts: [Split: Int]
    public var cutouts: Cutouts?

    public init(seed: UInt64 = 1, size: Int = 256, counts: [Split: Int], cutouts: Cutouts? = nil) {
        self.seed = seed
        self.size = size
        self.counts = counts
        self.cutouts = cutouts
    }

    /// `--count N`: half train, a quarter test, the rest pool.
    public static func proportions(total: Int) -> [Split: Int] {
        let train = total / 2, test = total / 4
        return [.train: train, .test: test, .pool: total - train - test]
    }
}

/// A generated image's manifest row.
public struct SceneRecord: Sendable {
    public var split: Split
    public var index: Int
    /// Path relative to the output folder.
    public var image: String
    public var positives: [String]
    public var negatives: [String]
    public var regions: [(element: String, x: Int, y: Int, width: Int, height: Int)]
    public var masks: [String]
    public var extras: [String]
}

/// Renders scenes and writes a dataset: `images/<split>/<stem>.jpg`,
/// `masks/<split>/<stem>_<element>_<k>.png`, `manifest.csv` and `synth.json`,
/// every file atomically.
public enum Generator {
    /// An element counts as shown when at least this many of its pixels are visible;
    /// otherwise the layout is drawn again from the next random stream.
    public static func minimumArea(size: Int) -> Int { max(12, size * size / 1200) }
    static let maxAttempts = 12

    /// The file stem of image `index`: zero-padded to six digits.
    public static func stem(_ index: Int) -> String {
        let digits = String(index)
        return digits.count >= 6 ? digits : String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// Plans every split: one random stream per split, derived from the seed.
    public static func plan<S: Scenario>(_ scenario: S, configuration: SynthConfiguration) -> [(Split, [S.Plan])] {
        Split.allCases.compactMap { split in
            let count = configuration.counts[split] ?? 0
            guard count > 0 else { return nil }
            var random = SplitMix64(seed: configuration.seed, stream: stableKey("plan/\(scenario.name)/\(split.rawValue)"))
            return (split, scenario.plan(split: split, count: count, random: &random))
        }
    }

    /// Draws one planned image. Its random stream depends only on the seed, the
    /// split, the index and the attempt.
    public static func render<S: Scenario>(_ scenario: S, plan: S.Plan, split: Split, index: Int,
                                           configuration: SynthConfiguration) -> RenderedScene {
        let minimum = minimumArea(size: configuration.size)
        var attempt = 0
        while true {
            var random = SplitMix64(seed: configuration.seed,
                                     stream: split.streamKey << 56 | UInt64(index) << 8 | UInt64(attempt))
            let canvas = Canvas(width: configuration.size, height: configuration.size)
            scenario.render(plan, on: canvas, random: &random, cutouts: configuration.cutouts)
            let masks = canvas.masks()
            attempt += 1
            if attempt >= maxAttempts || masks.allSatisfy({ $0.area >= minimum }) {
                return RenderedScene(image: canvas.image(), masks: masks.filter { $0.area > 0 },
                                     jpegQuality: canvas.jpegQuality, attempts: attempt)
            }
        }
    }

    /// Generates the dataset into `folder` (created if needed). `progress` is
    /// called with the number of images finished, from worker threads, one call at a time.
    @discardableResult
    public static func generate<S: Scenario>(_ scenario: S, configuration: SynthConfiguration, into folder: String,
                                             progress: ((Int) -> Void)? = nil) throws -> [SceneRecord] {
        let fm = FileManager.default
        let plans = plan(scenario, configuration: configuration)
        for (split, _) in plans {
            for sub in ["images", "masks"] {
                let dir = "\(folder)/\(sub)/\(split.rawValue)"
                do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                    throw FileError(path: dir, reason: "cannot create the folder")
                }
            }
        }
        let jobs: [(Split, Int, S.Plan)] = plans.flatMap { split, list in list.enumerated().map { (split, $0.offset, $0.element) } }
        let records = UnsafeMutableBufferPointer<SceneRecord?>.allocate(capacity: jobs.count)
        records.initialize(repeating: nil)
        defer { records.deinitialize(); records.deallocate() }
        let lock = NSLock()
        var firstError: Error?
        var done = 0
        DispatchQueue.concurrentPerform(iterations: jobs.count) { j in
            lock.lock()
            let failed = firstError != nil
            lock.unlock()
            if failed { return }
            let (split, index, plan) = jobs[j]
            do {
                records[j] = try write(scenario, plan: plan, split: split, index: index,
                                       configuration: configuration, folder: folder)
            } catch {
                lock.lock()
                if firstError == nil { firstError = error }
                lock.unlock()
                return
            }
            lock.lock()
            done += 1
            progress?(done)
            lock.unlock()
        }
        if let firstError { throw firstError }
        let list = records.map { $0! }
        try AtomicFile.write(Manifest.csv(list, extraColumns: scenario.extraColumns), to: folder + "/manifest.csv")
        try AtomicFile.write(Manifest.summary(scenario, configuration: configuration, records: list), to: folder + "/synth.json")
        return list
    }

    /// Renders one image and writes it and its masks.
    static func write<S: Scenario>(_ scenario: S, plan: S.Plan, split: Split, index: Int,
                                   configuration: SynthConfiguration, folder: String) throws -> SceneRecord {
        let scene = render(scenario, plan: plan, split: split, index: index, configuration: configuration)
        let stem = Self.stem(index)
        let image = "images/\(split.rawValue)/\(stem).jpg"
        try AtomicFile.write(try ImageEncoder.jpeg(scene.image, quality: scene.jpegQuality), to: folder + "/" + image)
        var counters: [String: Int] = [:]
        var regions: [(element: String, x: Int, y: Int, width: Int, height: Int)] = []
        var masks: [String] = []
        for mask in scene.masks {
            guard let box = mask.box else { continue }
            let k = counters[mask.element, default: 0]
            counters[mask.element] = k + 1
            let path = "masks/\(split.rawValue)/\(stem)_\(mask.element)_\(k).png"
            try AtomicFile.write(try ImageEncoder.png(pixels: mask.pixels, width: configuration.size,
                                                      height: configuration.size, channels: 1), to: folder + "/" + path)
            regions.append((mask.element, box.x, box.y, box.width, box.height))
            masks.append(path)
        }
        let (positives, negatives) = scenario.labels(plan, split: split)
        return SceneRecord(split: split, index: index, image: image, positives: positives, negatives: negatives,
                           regions: regions, masks: masks, extras: scenario.extras(plan))
    }
}
