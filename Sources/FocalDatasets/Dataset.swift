import Foundation

/// A dataset revision: samples with labels, read from a manifest (CSV or JSON
/// Lines) or from a folder per concept. One manifest file is one revision.
public struct Dataset: Sendable {
    /// The five columns Focal reads, in the order it writes them.
    public static let columns = ["image", "positives", "negatives", "split", "regions"]

    /// The manifest file, or the folder for a folder-per-concept dataset.
    public var source: String
    /// Extra columns in their original order (written back after the five).
    public var extraColumns: [String]
    public var samples: [Sample]
    /// What was wrong but did not stop the dataset from being used.
    public var issues: [DatasetIssue]
    /// The manifest's columns as written (nil for a folder per concept), so
    /// that a missing `positives` column can be named as the fault.
    public var columns: [String]?

    public init(source: String, samples: [Sample], extraColumns: [String] = [], issues: [DatasetIssue] = []) {
        self.source = source
        self.samples = samples
        self.extraColumns = extraColumns
        self.issues = issues
    }

    /// Every concept named as a positive, a negative or a region, sorted.
    public var concepts: [String] {
        var names = Set<String>()
        for s in samples { names.formUnion(s.positives); names.formUnion(s.negatives) }
        return names.sorted()
    }

    /// The samples of one split; `nil` selects those with no split.
    public func samples(in split: Split?) -> [Sample] { samples.filter { $0.split == split } }

    /// Samples for training: the train split, or every sample with no split
    /// when the dataset has no train split at all.
    public var trainingSamples: [Sample] {
        let train = samples(in: .train)
        return train.isEmpty ? samples.filter { $0.split == nil } : train
    }

    /// The samples a model is evaluated on: the test split; else those with no
    /// split (a train split is what the model learned from); else all of them.
    public var evaluationSamples: [Sample] {
        let test = samples(in: .test)
        if !test.isEmpty { return test }
        let unsplit = samples(in: nil)
        return unsplit.isEmpty ? samples : unsplit
    }

    /// A manifest given as a test set: its test split, or all of it when it has none.
    public var testSplitOrAll: [Sample] {
        let test = samples(in: .test)
        return test.isEmpty ? samples : test
    }

    /// Opens a manifest (.csv, .jsonl), a folder holding `manifest.csv` or
    /// `manifest.jsonl`, or a folder per concept.
    public static func open(_ path: String, checkImages: Bool = true) throws -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError(file: path, "no such file or folder")
        }
        if isDirectory.boolValue {
            if let manifest = manifest(in: path) {
                var reader = ManifestReader(path: manifest, checkImages: checkImages)
                return try reader.read()
            }
            return try FolderDataset.read(path)
        }
        var reader = ManifestReader(path: path, checkImages: checkImages)
        return try reader.read()
    }
}
