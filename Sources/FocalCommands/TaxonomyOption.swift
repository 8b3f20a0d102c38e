import ArgumentParser
import FocalDatasets

/// `--taxonomy FILE`, shared by train, check, evaluate, compare and advise:
/// the concept descriptions the labels should follow. Without it, a
/// `taxonomy.yaml` beside the dataset is used when there is one.
struct TaxonomyOption: ParsableArguments {
    @Option(name: .customLong("taxonomy"),
            help: ArgumentHelp("The concepts' descriptions, parents, exclusions and synonyms (default: taxonomy.yaml beside the dataset, if any).",
                               valueName: "FILE"))
    var file: String?

    /// The taxonomy for a dataset at `data` (a manifest or folder), read and
    /// validated before anything is computed or written.
    func load(data: String?) throws -> Taxonomy? {
        try Taxonomy.locate(data: data, explicit: file)
    }
}

extension HierarchyMode: ExpressibleByArgument {}

/// A concept's description for reports: nil without a taxonomy or when the concept is not in it.
func conceptDescription(_ concept: String, in taxonomy: Taxonomy?) -> String? { taxonomy?[concept]?.description }
