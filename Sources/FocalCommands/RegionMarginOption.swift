import ArgumentParser
import FocalConcepts

/// `--region-margin`, shared by train (through `ExampleOptions`) and compare:
/// one flag, one default and one range check for every command that cuts regions.
struct RegionMarginOption: ParsableArguments {
    @Option(help: "Context kept around a region, as a share of its longer side on each side.")
    var regionMargin: Double = RegionExampleOptions.defaultMargin

    func validate() throws {
        guard (0...2).contains(regionMargin) else { throw ValidationError("--region-margin must be between 0 and 2") }
    }
}
