import ArgumentParser
import FocalConcepts

extension ExampleKind: ExpressibleByArgument {}

/// `--examples`, `--background-negatives`, `--region-margin`: what `focal train`
/// learns from (see `ExampleKind`).
struct ExampleOptions: ParsableArguments {
    @Option(help: "Learn from whole images, from each labelled region (a box is an example of its concept), or both.")
    var examples: ExampleKind = .images

    @Flag(help: "Also learn, per positive concept with boxes, the part of the image outside them as a negative.")
    var backgroundNegatives = false

    @Option(help: "Context kept around a region, as a share of its longer side on each side.")
    var regionMargin: Double = RegionExampleOptions.defaultMargin

    func validate() throws {
        guard regionMargin >= 0, regionMargin <= 2 else { throw ValidationError("--region-margin must be between 0 and 2") }
    }

    var options: RegionExampleOptions {
        RegionExampleOptions(kind: examples, margin: regionMargin, backgroundNegatives: backgroundNegatives)
    }
}
