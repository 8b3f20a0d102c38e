import ArgumentParser
import FocalBackbone
import FocalTraining

/// `--model`: the model file from `focal train`, for the commands that use one.
struct ModelOption: ParsableArguments {
    @Option(name: .customLong("model"), help: "The model file (from focal train).")
    var path: String

    /// The model, validated as a whole and checked against `backbone`
    /// (features from another backbone would give meaningless scores).
    func load(backbone: Backbone) throws -> HeadModel {
        try HeadModel.load(path, backbone: backbone)
    }
}

extension HeadModel {
    /// The index of a concept the user named on the command line: one the
    /// model lacks is a usage error (exit 64), listing the ones it has.
    func conceptIndex(option name: String) throws -> Int {
        do { return try conceptIndex(named: name) } catch { throw ValidationError(error.description) }
    }
}
