import FocalFiles
import Foundation
import FocalNumerics

/// The pretrained backbone as shipped in `models/`: the network, its ImageNet
/// class names, and an identity (the weights' SHA-256) that caches and trained
/// models record so they are never mixed with another backbone's features.
public struct Backbone: Sendable {
    public static let weightsFileName = "efficientnet-lite0.safetensors"
    public static let labelsFileName = "imagenet_classes.txt"
    /// SHA-256 of the committed weights file (also in models/efficientnet-lite0.safetensors.sha256).
    public static let weightsSHA256 = "76c3381eced76c0e70605071940c34b0d9b70c22670fe2c0981b1dc2ef8aa6a0"
    public static let name = "efficientnet-lite0"

    public let network: EfficientNetLite0
    public let labels: [String]
    public let weightsPath: String

    /// "efficientnet-lite0@<first 12 hex of the weights' SHA-256>/<preprocessing version>".
    public var identity: String { "\(Self.name)@\(Self.weightsSHA256.prefix(12))/\(Preprocessing.version)" }

    public init(weightsPath: String, labelsPath: String? = nil, workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let tensors = try SafeTensors(path: weightsPath)
        network = try EfficientNetLite0(weights: tensors, workers: workers)
        let labelsPath = labelsPath ?? FilePaths.resolve(Self.labelsFileName, in: FilePaths.parent(of: weightsPath))
        guard let text = try? String(contentsOfFile: labelsPath, encoding: .utf8) else {
            throw WeightsError(path: labelsPath, reason: "cannot read the ImageNet class names")
        }
        let labels = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard labels.count == Architecture.classCount else {
            throw WeightsError(path: labelsPath, reason: "has \(labels.count) class names, expected 1000")
        }
        self.labels = labels
        self.weightsPath = weightsPath
    }

    /// Loads the backbone from `models/`, found by `locateModels`.
    public static func load(weightsPath: String? = nil) throws -> Backbone {
        if let weightsPath { return try Backbone(weightsPath: weightsPath) }
        guard let folder = locateModels() else {
            throw WeightsError(path: "models/\(weightsFileName)",
                               reason: "not found; pass --weights or set FOCAL_MODELS to the folder that holds it")
        }
        return try Backbone(weightsPath: folder + "/" + weightsFileName)
    }

    /// Where the weights are: $FOCAL_MODELS, else a `models/` folder beside or
    /// above the executable (a build inside the repository), else the
    /// repository this file was compiled from.
    public static func locateModels() -> String? {
        let fm = FileManager.default
        func holdsWeights(_ dir: String) -> Bool { fm.fileExists(atPath: dir + "/" + weightsFileName) }
        if let env = ProcessInfo.processInfo.environment["FOCAL_MODELS"], holdsWeights(env) { return env }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            if holdsWeights(dir.path + "/models") { return dir.path + "/models" }
            dir.deleteLastPathComponent()
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        if holdsWeights(repo.path + "/models") { return repo.path + "/models" }
        return nil
    }
}

/// A class index with its name and softmax probability.
public struct Prediction: Equatable, Sendable {
    public var index: Int
    public var label: String
    public var probability: Double
    public var logit: Float
}

extension Backbone {
    /// The `k` most probable ImageNet classes for one embedding, best first.
    public func topClasses(embedding: [Float], k: Int) -> [Prediction] {
        let logits = network.logits(embedding)
        let peak = logits.max() ?? 0
        let exps = logits.map { Foundation.exp(Double($0 - peak)) }
        let total = exps.reduce(0, +)
        let order = logits.indices.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
        return order.prefix(max(0, k)).map {
            Prediction(index: $0, label: labels[$0], probability: exps[$0] / total, logit: logits[$0])
        }
    }
}
