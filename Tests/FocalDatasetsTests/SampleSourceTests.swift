import FocalDatasets
import FocalFiles
import FocalImages
import Foundation
import XCTest

/// The rules commands used to repeat: what a path of photos holds, and which rows a model is tested on.
final class SampleSourceTests: XCTestCase {
    func testAFolderWithoutAManifestIsItsImagesAndWithOneIsTheDataset() throws {
        let folder = NSTemporaryDirectory() + "focal-source-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/img", withIntermediateDirectories: true)
        for name in ["a", "b"] {
            try AtomicFile.write(ImageEncoder.png(RGBImage(width: 8, height: 8, color: (1, 2, 3))), to: folder + "/img/\(name).png")
        }
        guard case .folder(let images, let unlisted) = try Dataset.samples(at: folder) else { return XCTFail("not a folder of images") }
        XCTAssertEqual(images.map { ($0.path as NSString).lastPathComponent }, ["a.png", "b.png"])
        XCTAssertTrue(unlisted.isEmpty)

        try AtomicFile.write("image,positives,negatives,split\nimg/a.png,cat,,test\nimg/b.png,,cat,train\n", to: folder + "/manifest.csv")
        XCTAssertEqual(Dataset.manifest(in: folder), folder + "/manifest.csv")
        guard case .manifest(let dataset) = try Dataset.samples(at: folder) else { return XCTFail("not the manifest") }
        XCTAssertEqual(dataset.samples.count, 2)
        XCTAssertThrowsError(try Dataset.samples(at: folder + "/nope")) { error in
            XCTAssertEqual("\(error)", folder + "/nope: no such file or folder")
        }
    }

    func testEvaluationRowsAreTheTestSplitElseTheUnsplitElseAll() {
        func sample(_ name: String, _ split: Split?) -> Sample { Sample(image: name, path: name, split: split) }
        let split = Dataset(source: "s", samples: [sample("a", .train), sample("b", .test), sample("c", nil)])
        XCTAssertEqual(split.evaluationSamples.map(\.image), ["b"])
        XCTAssertEqual(split.testSplitOrAll.map(\.image), ["b"])
        let unsplit = Dataset(source: "u", samples: [sample("a", .train), sample("c", nil)])
        XCTAssertEqual(unsplit.evaluationSamples.map(\.image), ["c"])
        XCTAssertEqual(unsplit.testSplitOrAll.map(\.image), ["a", "c"])
        let trainOnly = Dataset(source: "t", samples: [sample("a", .train)])
        XCTAssertEqual(trainOnly.evaluationSamples.map(\.image), ["a"])
    }
}
