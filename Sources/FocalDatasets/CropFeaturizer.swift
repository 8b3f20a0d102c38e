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
        var vectors = lookup.vectors
        var done = lookup.found
        progress?(done, crops.count)

        // The crops still to compute, grouped by file so each file is decoded once.
        let missing = Dictionary(grouping: lookup.missing) { crops[$0].path }
        let files = missing.keys.sorted()
        var computed = 0
        let preprocessing = self.preprocessing
        let pixels = Architecture.inputSize * Architecture.inputSize * 3
        // A few files at a time: their crops are decoded on all cores, then embedded together.
        for start in stride(from: 0, to: files.count, by: max(1, batchSize / 4)) {
            let group = Array(files[start..<min(files.count, start + max(1, batchSize / 4))])
            var groupErrors = [ImageError?](repeating: nil, count: group.count)
            var perFile = [[[Float]]](repeating: [], count: group.count)
            let lock = NSLock()
            DispatchQueue.concurrentPerform(iterations: group.count) { g in
                let path = group[g]
                do {
                    let bytes = try readFileBytes(path)
                    let size = try preprocessing.decoder.size(of: bytes)
                    let smallest = missing[path]!.map { min(crops[$0].width, crops[$0].height) }.min()!
                    let image = try Self.cropDecoder(preprocessing, size: size, smallestCrop: smallest).decode(bytes)
                    let sx = Double(image.width) / Double(size.width), sy = Double(image.height) / Double(size.height)
                    let made = missing[path]!.map { i -> [Float] in
                        let c = crops[i]
                        let x0 = min(image.width - 1, max(0, Int((Double(c.x) * sx).rounded(.down))))
                        let y0 = min(image.height - 1, max(0, Int((Double(c.y) * sy).rounded(.down))))
                        let x1 = max(x0 + 1, min(image.width, Int((Double(c.x + c.width) * sx).rounded(.up))))
                        let y1 = max(y0 + 1, min(image.height, Int((Double(c.y + c.height) * sy).rounded(.up))))
                        let piece = image.cropped(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
                        return Preprocessing.normalize(preprocessing.networkImage(piece))
                    }
                    lock.lock(); perFile[g] = made; lock.unlock()
                } catch let error as ImageError {
                    lock.lock(); groupErrors[g] = error.path == nil ? error.at(path) : error; lock.unlock()
                } catch {
                    lock.lock(); groupErrors[g] = ImageError(.unreadable, "\(error)", path: path); lock.unlock()
                }
            }
            let batch = perFile.flatMap { $0 }
            precondition(batch.allSatisfy { $0.count == pixels })
            let embedded = batch.isEmpty ? [] : backbone.network.embed(batch)
            var next = 0, stored: [(hash: String, vector: [Float])] = []
            for (g, path) in group.enumerated() {
                if let error = groupErrors[g] { failed[path] = error; done += missing[path]!.count; continue }
                for i in missing[path]! {
                    let key = keys[i]!
                    vectors[key] = embedded[next]
                    stored.append((key, embedded[next]))
                    next += 1
                    done += 1
                }
            }
            computed += stored.count
            try store?.store(stored, backbone: storeKey)
            progress?(done, crops.count)
        }
        let embeddings = crops.indices.map { i -> Swift.Result<[Float], ImageError> in
            if let key = keys[i], let v = vectors[key] { return .success(v) }
            return .failure(failed[crops[i].path] ?? ImageError(.corrupt, "could not be embedded", path: crops[i].path))
        }
        return Result(embeddings: embeddings, hashes: hashOf, computed: computed)
    }
}
