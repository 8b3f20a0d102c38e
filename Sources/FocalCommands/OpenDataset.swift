import FocalDatasets

/// A dataset a command reads, with what is wrong in it (that did not stop it
/// being used) printed as warnings, before anything else about it.
func openDataset(_ path: String) throws -> Dataset {
    let dataset = try Dataset.open(path)
    dataset.issues.forEach { warn($0.description) }
    return dataset
}
