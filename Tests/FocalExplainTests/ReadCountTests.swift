import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalExplain
import FocalImages
import Foundation
import XCTest

/// What `focal explain` does with one image (the concepts that fire, each
/// explained, each pictured) reads the file once and decodes it once.
final class ReadCountTests: XCTestCase {
    /// Counts what goes through the preprocessing's reader.
    final class Spy: @unchecked Sendable {
        private let lock = NSLock()
        private var readPaths: [String] = [], decodeCount = 0
        var reads: [String] { locked { readPaths } }
        var decodes: Int { locked { decodeCount } }

        private func locked<T>(_ body: () -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body()
        }

        var reader: ImageReader {
            ImageReader(read: { path in
                self.locked { self.readPaths.append(path) }
                return try readFileBytes(path)
            }, decode: { decoder, bytes in
                self.locked { self.decodeCount += 1 }
                return try decoder.decode(bytes)
            })
        }
    }

    func testOneImageIsReadAndDecodedOnceForAllItsConceptsAndPictures() throws {
        let backbone = try Backbone.load()
        let wedding = PointingGameTests.wedding
        let few = Array(try Dataset.open(wedding).trainingSamples.prefix(40))
        let concepts = ["bouquet", "veil", "flowers"]
        let model = try ConceptTrainer(c: 1.0, concepts: concepts)
            .train(Dataset(source: "forty scenes", samples: few), featurizer: Featurizer(backbone: backbone, store: nil)).model
        XCTAssertEqual(model.concepts.sorted(), concepts.sorted())

        let spy = Spy()
        var preprocessing = Preprocessing()
        preprocessing.reader = spy.reader
        let explainer = Explainer(backbone: backbone, model: model, preprocessing: preprocessing)
        let path = wedding + "/images/test/000003.jpg"
        let image = try Explainer.Image(path: path, preprocessing: preprocessing)
        _ = explainer.firing(image)
        let explained = try explainer.explain(image, concepts: model.concepts, pictures: true)
        XCTAssertEqual(explained.map(\.explanation.concept), model.concepts)
        for (_, picture) in explained { XCTAssertEqual(picture?.width, 256) }
        XCTAssertEqual(spy.reads, [path], "one read per image")
        XCTAssertEqual(spy.decodes, 1, "one decode per image")
    }
}
