import FocalFiles
import Foundation

/// A folder per concept, as Create ML and Keras read them:
/// `DATA/bouquet/*.jpg` are positives of `bouquet`; `DATA/not-bouquet/*.jpg`
/// are its negatives. With several concept folders each image is also a
/// negative of the other concepts (a folder dataset has one label per image).
/// `DATA/train/<concept>/…` and `DATA/test/<concept>/…` set the split.
enum FolderDataset {
    static let negativePrefixes = ["not-", "not_"]

    static func read(_ root: String) throws -> Dataset {
        let fm = FileManager.default
        let top = (try? fm.contentsOfDirectory(atPath: root))?.filter { !$0.hasPrefix(".") }.sorted() ?? []
        let splitFolders = top.filter { Split(rawValue: $0) != nil && isDirectory(root + "/" + $0) }
        var samples: [Sample] = []
        var issues: [DatasetIssue] = []
        if !splitFolders.isEmpty {
            for name in splitFolders {
                samples += try read(root + "/" + name, split: Split(rawValue: name), datasetRoot: root, issues: &issues)
            }
        } else {
            samples = try read(root, split: nil, datasetRoot: root, issues: &issues)
        }
        guard !samples.isEmpty else {
            throw DatasetError(file: root, "no manifest.csv and no concept folders with images")
        }
        return Dataset(source: root, samples: samples, issues: issues)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    static func concept(ofFolder name: String) -> (concept: String, positive: Bool) {
        for prefix in negativePrefixes where name.lowercased().hasPrefix(prefix) {
            return (String(name.dropFirst(prefix.count)), false)
        }
        return (name, true)
    }

    static func read(_ folder: String, split: Split?, datasetRoot: String, issues: inout [DatasetIssue]) throws -> [Sample] {
        let listed: [String]
        do { listed = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw DatasetError(file: folder, "cannot list the folder")
        }
        let names = listed
            .filter { !$0.hasPrefix(".") && isDirectory(folder + "/" + $0) }.sorted()
        let positiveConcepts = Set(names.map(concept(ofFolder:)).filter(\.positive).map(\.concept))
        var samples: [Sample] = []
        for name in names {
            let (concept, positive) = concept(ofFolder: name)
            let (files, faults) = ImageFiles.collect([folder + "/" + name])
            issues += faults.map { DatasetIssue(file: $0.path, $0.reason) }
            if files.isEmpty && faults.isEmpty { issues.append(DatasetIssue(file: folder + "/" + name, "no images")) }
            for file in files {
                let others = positiveConcepts.subtracting([concept]).sorted()
                samples.append(Sample(
                    image: relativePath(file, from: datasetRoot), path: file,
                    positives: positive ? [concept] : [],
                    negatives: positive ? others : [concept],
                    split: split))
            }
        }
        return samples
    }
}
