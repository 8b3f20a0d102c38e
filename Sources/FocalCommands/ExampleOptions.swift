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

    @OptionGroup var margin: RegionMarginOption

    var options: RegionExampleOptions {
        RegionExampleOptions(kind: examples, margin: margin.regionMargin, backgroundNegatives: backgroundNegatives)
    }
}
