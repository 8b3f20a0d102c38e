import ArgumentParser

/// `focal`: teach a small model visual concepts from labelled photos, and find out why it is wrong.
public struct Focal: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "focal",
        abstract: "Teach a model visual concepts from your labelled photos, and see why it is wrong.",
        subcommands: [Classify.self, Embed.self, Store.self, Synth.self, Train.self, Predict.self, Evaluate.self, Compare.self, Explain.self, Regions.self, Advise.self, Check.self, Demo.self]
    )

    public init() {}
}
