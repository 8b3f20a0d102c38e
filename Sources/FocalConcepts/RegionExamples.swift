import FocalBackbone
import FocalDatasets
import FocalImages
import FocalTraining
import Foundation

/// What a concept model learns from: whole images, the labelled regions in
/// them, or both.
///
/// Region examples are the seed's remedy for scenes with many objects: a box
/// around the bouquet is an example *of* the bouquet, while the whole wedding
/// photo is an example of everything in it, veil and greenery included.
public enum ExampleKind: String, Codable, Sendable, CaseIterable {
    /// Each image is one example with all its labels (the default).
    case images
    /// Each labelled box is an example, positive for its concept and negative for
    /// the image's negatives; the image itself stays an example only for the
    /// labels no box of it localises (an image with no boxes is used whole).
    case regions
    /// Whole images with all their labels, plus every box as in `regions`.
    case both
}

/// How region examples are cut.
public struct RegionExampleOptions: Codable, Sendable, Equatable {
    public var kind: ExampleKind
    /// Context kept around a box on each side, as a share of its longer side;
    /// the crop is the square around the box's centre, so that resizing and the
    /// centre crop of preprocessing keep all of it.
    public var margin: Double
    /// Also learn, for each positive concept with boxes, the largest part of
    /// the image outside them (the scene without the thing) as a negative;
    /// with any kind of example, whole images included.
    public var backgroundNegatives: Bool
    /// The smallest background used, as a share of the image's area.
    public var minimumBackgroundShare: Double

    public init(kind: ExampleKind = .images, margin: Double = RegionExampleOptions.defaultMargin,
                backgroundNegatives: Bool = false, minimumBackgroundShare: Double = 0.25) {
        self.kind = kind
        self.margin = margin
        self.backgroundNegatives = backgroundNegatives
        self.minimumBackgroundShare = minimumBackgroundShare
    }

    /// Chosen by measurement on the shipped wedding, apples and pints data (README, "Region examples").
    public static let defaultMargin = 0.5

    /// The options a model was trained with (whole images when it records none).
    public init(_ record: ExampleRecord?) {
        guard let record, let kind = ExampleKind(rawValue: record.kind) else { self.init(); return }
        self.init(kind: kind, margin: record.margin ?? Self.defaultMargin, backgroundNegatives: record.backgroundNegatives)
    }
}

/// One training example before embedding: a whole image or a crop of it, with
/// its labels over the trained concepts, and the sample it came from (its
/// cross-validation group: crops of one photo never straddle folds).
struct PlannedExample {
    enum Source: Equatable { case image, region(Region), background(concept: String) }
    var sample: Int
    var source: Source
    var crop: ImageCrop?
    var labels: [ConceptLabel]
}

/// Turns samples with boxes into planned examples.
struct RegionExamplePlanner {
    var options: RegionExampleOptions
    var concepts: [String]
    /// With `--hierarchy propagate`: a box is also an example of its concept's
    /// ancestors, and a background is also a negative of its descendants.
    var ancestors: (String) -> [String] = { _ in [] }
    var descendants: (String) -> [String] = { _ in [] }

    /// `size(i)` is sample i's upright size (nil when it cannot be read: the
    /// sample is then used whole, and embedding it reports the fault).
    func plan(_ samples: [Sample], size: (Int) -> (width: Int, height: Int)?) -> [PlannedExample] {
        var planned: [PlannedExample] = []
        for (i, sample) in samples.enumerated() {
            let imageLabels = LabelledFeatures.labels(of: sample, for: concepts)
            let usesBoxes = options.kind != .images || options.backgroundNegatives
            let size = usesBoxes ? size(i) : nil
            let boxes = size.map { s in
                sample.regions.filter { sample.positives.contains($0.concept) && $0.fits(width: s.width, height: s.height) }
            } ?? []
            guard !boxes.isEmpty, let (width, height) = size else {
                if imageLabels.contains(where: { $0 != .unknown }) {
                    planned.append(PlannedExample(sample: i, source: .image, labels: imageLabels))
                }
                continue
            }
            // The whole image: every label (both), or those no box localises (regions).
            let localised = Set(boxes.map(\.concept))
            let wholeLabels = options.kind != .regions ? imageLabels
                : zip(concepts, imageLabels).map { localised.contains($0) ? .unknown : $1 }
            if wholeLabels.contains(where: { $0 != .unknown }) {
                planned.append(PlannedExample(sample: i, source: .image, labels: wholeLabels))
            }
            let negatives = concepts.map { sample.negatives.contains($0) }
            for box in boxes where options.kind != .images {
                let positive = Set([box.concept] + ancestors(box.concept))
                let labels = concepts.indices.map { c -> ConceptLabel in
                    positive.contains(concepts[c]) ? .positive : negatives[c] ? .negative : .unknown
                }
                guard labels.contains(where: { $0 != .unknown }) else { continue }
                planned.append(PlannedExample(sample: i, source: .region(box), crop: squareCrop(box, sample.path, width, height),
                                              labels: labels))
            }
            guard options.backgroundNegatives else { continue }
            for concept in concepts where localised.contains(concept) {
                guard let crop = background(avoiding: boxes.filter { $0.concept == concept }, sample.path, width, height) else { continue }
                let absent = Set([concept] + descendants(concept))
                let labels = concepts.indices.map { c -> ConceptLabel in
                    absent.contains(concepts[c]) || negatives[c] ? .negative : .unknown
                }
                planned.append(PlannedExample(sample: i, source: .background(concept: concept), crop: crop, labels: labels))
            }
        }
        return planned
    }

    /// The square around the box's centre, `margin` of its longer side wider on
    /// each side, moved (not cut) to stay inside the image.
    func squareCrop(_ box: Region, _ path: String, _ width: Int, _ height: Int) -> ImageCrop {
        let longer = Double(max(box.width, box.height))
        let side = min(min(width, height), max(box.width, box.height, Int((longer * (1 + 2 * options.margin)).rounded())))
        let cx = Double(box.x) + Double(box.width) / 2, cy = Double(box.y) + Double(box.height) / 2
        let x = min(width - side, max(0, Int((cx - Double(side) / 2).rounded())))
        let y = min(height - side, max(0, Int((cy - Double(side) / 2).rounded())))
        return ImageCrop(path: path, x: x, y: y, width: side, height: side)
    }

    /// The largest of the four bands beside the concept's boxes (each box
    /// widened by the margin): left of, right of, above or below all of them.
    /// None when it is smaller than `minimumBackgroundShare` of the image or
    /// narrower than 32 pixels (too little scene to be a fair negative).
    func background(avoiding boxes: [Region], _ path: String, _ width: Int, _ height: Int) -> ImageCrop? {
        guard !boxes.isEmpty else { return nil }
        func pad(_ r: Region) -> Int { Int((Double(max(r.width, r.height)) * options.margin).rounded()) }
        let left = boxes.map { max(0, $0.x - pad($0)) }.min()!, top = boxes.map { max(0, $0.y - pad($0)) }.min()!
        let right = boxes.map { min(width, $0.x + $0.width + pad($0)) }.max()!
        let bottom = boxes.map { min(height, $0.y + $0.height + pad($0)) }.max()!
        let bands = [ImageCrop(path: path, x: 0, y: 0, width: left, height: height),
                     ImageCrop(path: path, x: right, y: 0, width: width - right, height: height),
                     ImageCrop(path: path, x: 0, y: 0, width: width, height: top),
                     ImageCrop(path: path, x: 0, y: bottom, width: width, height: height - bottom)]
        guard let best = bands.max(by: { $0.width * $0.height < $1.width * $1.height }),
              min(best.width, best.height) >= 32,
              Double(best.width * best.height) >= options.minimumBackgroundShare * Double(width * height) else { return nil }
        return best
    }
}

/// How many examples of each kind a model was trained on, and how they were cut.
extension ExampleRecord {
    init(_ options: RegionExampleOptions, _ planned: [PlannedExample]) {
        var images = 0, regions = 0, backgrounds = 0
        for p in planned {
            switch p.source {
            case .image: images += 1
            case .region: regions += 1
            case .background: backgrounds += 1
            }
        }
        self.init(kind: options.kind.rawValue, margin: options.kind == .images && !options.backgroundNegatives ? nil : options.margin,
                  backgroundNegatives: options.backgroundNegatives, images: images, regions: regions, backgrounds: backgrounds)
    }
}

extension LabelledFeatures {
    /// The samples as region examples (see `ExampleKind`): whole images and
    /// crops embedded through the store, one row per example, each row's
    /// sample carrying that example's labels and `groups` naming the photo it
    /// came from. A photo that cannot be read is skipped with all its crops.
    public init(samples: [Sample], concepts: [String], examples options: RegionExampleOptions, taxonomy: Taxonomy? = nil,
                featurizer: Featurizer, progress: ((Int, Int) -> Void)? = nil) throws {
        let decoder = ImageDecoder()
        var sizes = [(width: Int, height: Int)?](repeating: nil, count: samples.count)
        sizes.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: samples.count) { i in
                if !samples[i].regions.isEmpty { out[i] = try? decoder.size(path: samples[i].path) }
            }
        }
        var planner = RegionExamplePlanner(options: options, concepts: concepts)
        if let taxonomy {
            planner.ancestors = taxonomy.ancestors(of:)
            planner.descendants = taxonomy.descendants(of:)
        }
        let planned = planner.plan(samples) { sizes[$0] }
        // Every photo whole (cross-validation scores them; see `ScoredRows`), then the crops.
        let crops = planned.compactMap(\.crop)
        let total = samples.count + crops.count
        let whole = try featurizer.embed(paths: samples.map(\.path)) { done, _ in progress?(done, total) }
        let cropped = try featurizer.embed(crops: crops) { done, _ in progress?(samples.count + done, total) }

        var failed: [Int: ImageError] = [:]
        for (i, outcome) in whole.embeddings.enumerated() { if case .failure(let e) = outcome { failed[i] = e } }
        var vectors: [[Float]?] = []
        var k = 0
        for p in planned {
            var outcome = whole.embeddings[p.sample]
            if p.crop != nil { outcome = cropped.embeddings[k]; k += 1 }
            switch outcome {
            case .success(let v): vectors.append(v)
            case .failure(let e): vectors.append(nil); failed[p.sample] = failed[p.sample] ?? e
            }
        }
        var kept: [Sample] = [], rows: [Float] = [], labels: [ConceptLabel] = [], groups: [Int] = []
        var used: [PlannedExample] = []
        for (p, vector) in zip(planned, vectors) where failed[p.sample] == nil {
            var sample = samples[p.sample]
            sample.positives = zip(concepts, p.labels).filter { $1 == .positive }.map(\.0)
            sample.negatives = zip(concepts, p.labels).filter { $1 == .negative }.map(\.0)
            switch p.source {
            case .image: break
            case .region(let r): sample.extra["example"] = "region \(r.text)"
            case .background(let c): sample.extra["example"] = "background of \(c)"
            }
            kept.append(sample)
            rows += vector!
            labels += p.labels
            groups.append(p.sample)
            used.append(p)
        }
        self.init(samples: kept, features: FeatureMatrix(rows: kept.count, columns: EfficientNetLite0.embeddingSize, values: rows),
                  labels: LabelMatrix(rows: kept.count, concepts: max(1, concepts.count),
                                      values: concepts.isEmpty ? [ConceptLabel](repeating: .unknown, count: kept.count) : labels),
                  concepts: concepts)
        self.groups = groups
        self.examples = ExampleRecord(options, used)
        let photos = samples.indices.filter { failed[$0] == nil }
        var photoRows: [Float] = []
        for i in photos { if case .success(let v) = whole.embeddings[i] { photoRows += v } }
        scored = ScoredRows(features: FeatureMatrix(rows: photos.count, columns: EfficientNetLite0.embeddingSize, values: photoRows),
                            labels: LabelMatrix(rows: photos.count, concepts: max(1, concepts.count),
                                                values: concepts.isEmpty ? [ConceptLabel](repeating: .unknown, count: photos.count)
                                                    : photos.flatMap { Self.labels(of: samples[$0], for: concepts) }),
                            groups: photos)
        skipped = failed.keys.sorted().map { (samples[$0], failed[$0]!) }
        hashes = whole.hashes.merging(cropped.hashes) { a, _ in a }
    }
}
