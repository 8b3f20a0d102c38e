import FocalFiles
import Foundation

/// What a path given as photos holds: a dataset (a manifest, or a folder
/// holding one), or a folder of images without a manifest, unlabelled.
public enum SampleSource {
    case manifest(Dataset)
    /// The images under the folder (recursively), and the folders inside it that could not be listed.
    case folder(samples: [Sample], unlisted: [FileError])
}

extension Dataset {
    /// The names of the manifest a folder may hold, in the order `open` looks for them.
    public static let manifestNames = ["manifest.csv", "manifest.jsonl"]

    /// The manifest inside `folder`, when it has one.
    public static func manifest(in folder: String) -> String? {
        manifestNames.map { folder + "/" + $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// What `path` holds (see `SampleSource`): the one place that tells a
    /// dataset from a folder of photos to look at.
    public static func samples(at path: String) throws -> SampleSource {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        // `open` says what is wrong with a path that is not there.
        guard exists, isDirectory.boolValue, manifest(in: path) == nil else { return .manifest(try open(path)) }
        let (files, unlisted) = ImageFiles.collect([path])
        return .folder(samples: files.map { Sample(image: $0, path: $0) }, unlisted: unlisted)
    }
}
