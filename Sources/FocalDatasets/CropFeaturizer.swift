import FocalBackbone
import FocalImages
import Foundation

/// A rectangle of an image file to embed on its own: a labelled region (with
/// its margin) or the background left when a concept's regions are cut away.
public struct ImageCrop: Hashable, Sendable {
    public var path: String
    /// In pixels of the upright original, as manifests give regions.
    public var x: Int, y: Int, width: Int, height: Int

    public init(path: String, x: Int, y: Int, width: Int, height: Int) {
        self.path = path
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    /// The store's key for this crop of the file with content hash `hash`: the
    /// crop is a function of the file's bytes and the box, so it is cached the
    /// same way as a whole image and never computed twice.
    func storeKey(hash: String) -> String { "\(hash)#crop-v2@\(x),\(y),\(width),\(height)" }
}

extension Featurizer {
    /// The decoder for a file's crops: a large JPEG may be decoded smaller (as
    /// for whole images), but only so far that its smallest crop keeps a
    /// shorter side of twice the resize target, as a whole image does; so a
    /// crop is as sharp as the same rectangle saved as its own file.
    static func cropDecoder(_ preprocessing: Preprocessing, size: (width: Int, height: Int), smallestCrop: Int) -> ImageDecoder {
        var decoder = preprocessing.decoder
        guard let least = decoder.options.minimumShorterSide else { return decoder }
        let shorter = min(size.width, size.height)
        let needed = Int((Double(shorter) * Double(least) / Double(max(1, smallestCrop))).rounded(.up))
        decoder.options.minimumShorterSide = max(least, min(shorter, needed))
        return decoder
    }

    /// Embeddings of crops, through the store like whole images: each crop is
    /// cut from the decoded photo (boxes scaled when a large JPEG was decoded
    /// smaller), then resized and centre-cropped as any image is. Each file is
    /// read once for all its crops. `hashes` are the files'.
    public func embed(crops: [ImageCrop], progress: ((Int, Int) -> Void)? = nil) throws -> Result {
        let paths = Array(Set(crops.map(\.path))).sorted()
        let hashOutcomes = Self.hashes(paths: paths)
        var hashOf: [String: String] = [:], failed: [String: ImageError] = [:]
        for (path, outcome) in zip(paths, hashOutcomes) {
            switch outcome {
            case .success(let h): hashOf[path] = h
            case .failure(let e): failed[path] = e
            }
        }
        let keys = crops.map { crop in hashOf[crop.path].map { crop.storeKey(hash: $0) } }
        let lookup = try lookUp(keys)
        progress?(lookup.found, crops.count)

        // The crops still to compute, grouped by file so each file is decoded once.
        let missing = Dictionary(grouping: lookup.missing) { crops[$0].path }
        let files = missing.keys.sorted()
        let jobs = files.map { path in Self.cropJob(path, crops: missing[path]!.map { crops[$0] }, preprocessing: preprocessing) }
        let computation = try compute(jobs, keys: files.map { missing[$0]!.map { keys[$0]! } },
                                      total: crops.count, done: lookup.found, progress: progress)
        let vectors = lookup.vectors.merging(computation.vectors) { _, new in new }
        failed.merge(computation.failures) { _, new in new }
        let embeddings = crops.indices.map { i -> Swift.Result<[Float], ImageError> in
            if let key = keys[i], let v = vectors[key] { return .success(v) }
            return .failure(failed[crops[i].path] ?? ImageError(.corrupt, "could not be embedded", path: crops[i].path))
        }
        return Result(embeddings: embeddings, hashes: hashOf, computed: computation.computed)
    }

    /// One file's crops as one job: the file is read and decoded once (only
    /// as small as its smallest crop allows), then each crop is cut (boxes
    /// scaled when a large JPEG was decoded smaller), resized and centre-cropped
    /// as any image is.
    static func cropJob(_ path: String, crops: [ImageCrop], preprocessing: Preprocessing) -> EmbeddingJob {
        EmbeddingJob(path: path, inputs: crops.count) { input in
            let pixels = Architecture.inputSize * Architecture.inputSize * 3
            let bytes = try readFileBytes(path)
            let size = try preprocessing.decoder.size(of: bytes)
            let smallest = crops.map { min($0.width, $0.height) }.min()!
            let image = try cropDecoder(preprocessing, size: size, smallestCrop: smallest).decode(bytes)
            let sx = Double(image.width) / Double(size.width), sy = Double(image.height) / Double(size.height)
            for (n, c) in crops.enumerated() {
                let x0 = min(image.width - 1, max(0, Int((Double(c.x) * sx).rounded(.down))))
                let y0 = min(image.height - 1, max(0, Int((Double(c.y) * sy).rounded(.down))))
                let x1 = max(x0 + 1, min(image.width, Int((Double(c.x + c.width) * sx).rounded(.up))))
                let y1 = max(y0 + 1, min(image.height, Int((Double(c.y + c.height) * sy).rounded(.up))))
                let piece = image.cropped(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
                Preprocessing.normalize(preprocessing.networkImage(piece), into: input + n * pixels)
            }
        }
    }
}
