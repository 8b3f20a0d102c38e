import ArgumentParser
import FocalBackbone
import FocalDatasets

/// Options every command that runs the backbone shares.
struct BackboneOptions: ParsableArguments {
    @Option(help: "The backbone weights (default: models/efficientnet-lite0.safetensors, or $FOCAL_MODELS).")
    var weights: String?

    /// `--exact-decode` is the same flag under a name of its own: in explain,
    /// `--exact` is the occlusion windows' mode, which takes the name.
    @Flag(name: [.customLong("exact"), .customLong("exact-decode")],
          help: "Decode JPEGs at full size, exactly as the reference preprocessing (slower on large photos).")
    var exact = false

    @Option(help: "Images per batch.")
    var batch = 32

    @Option(help: "The embedding cache (SQLite; default $FOCAL_STORE or ~/.cache/focal/embeddings.sqlite).")
    var store: String?

    @Flag(help: "Neither read nor write the embedding cache.")
    var noStore = false

    func openStore() throws -> EmbeddingStore? {
        noStore ? nil : try EmbeddingStore(path: store ?? EmbeddingStore.defaultPath, onRecovery: { warn($0) })
    }

    func featurizer() throws -> Featurizer {
        Featurizer(backbone: try loadBackbone(), preprocessing: preprocessing, store: try openStore(), batchSize: batch)
    }

    func loadBackbone() throws -> Backbone {
        try Backbone.load(weightsPath: weights)
    }

    var preprocessing: Preprocessing { Preprocessing(exact: exact) }
}

/// Writes one line to stderr.
func warn(_ message: String) {
    var line = message
    if !line.hasSuffix("\n") { line += "\n" }
    FileHandle.standardError.write(Data(line.utf8))
}

import Foundation
