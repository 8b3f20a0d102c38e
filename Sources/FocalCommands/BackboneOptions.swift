import ArgumentParser
import FocalBackbone

/// Options every command that runs the backbone shares.
struct BackboneOptions: ParsableArguments {
    @Option(help: "The backbone weights (default: models/efficientnet-lite0.safetensors, or $FOCAL_MODELS).")
    var weights: String?

    @Flag(help: "Decode JPEGs at full size, exactly as the reference preprocessing (slower on large photos).")
    var exact = false

    @Option(help: "Images per batch.")
    var batch = 32

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
