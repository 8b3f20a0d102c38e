import FocalBackbone
import FocalImages
import FocalTestSupport
import Foundation
import XCTest

/// Whole photographs (datasets/photos) against embeddings computed independently
/// by onnxruntime on Pillow's reference preprocessing (Benchmarks/make_photo_reference.py).
final class PhotoReferenceTests: XCTestCase {
    struct Fixture: Decodable {
        struct Photo: Decodable { let file: String; let size: [Int]; let embedding: [Float]; let top5: [Int] }
        let photos: [Photo]
    }

    static let photos = URL(fileURLWithPath: Repository.dataset("photos"))

    func load() throws -> Fixture {
        let url = Bundle.module.url(forResource: "Fixtures/photos_reference", withExtension: "json")!
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    func embeddings(exact: Bool, _ fixture: Fixture) throws -> [String: [Float]] {
        let embedder = Embedder(backbone: ReferenceVectorTests.backbone, preprocessing: Preprocessing(exact: exact))
        var out: [String: [Float]] = [:]
        try embedder.embed(paths: fixture.photos.map { Self.photos.appendingPathComponent($0.file).path }) { item in
            out[URL(fileURLWithPath: item.path).lastPathComponent] = try item.result.get()
        }
        return out
    }

    func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) { dot += Double(x) * Double(y); na += Double(x) * Double(x); nb += Double(y) * Double(y) }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    /// The exact mode decodes at full size: the same pixels as Pillow, so the same embedding.
    func testExactPreprocessingReproducesTheReference() throws {
        let fixture = try load()
        XCTAssertEqual(fixture.photos.count, 15)
        let ours = try embeddings(exact: true, fixture)
        for photo in fixture.photos {
            let e = try XCTUnwrap(ours[photo.file])
            let diff = zip(e, photo.embedding).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(diff, 1e-3, "\(photo.file): max abs difference \(diff)")
        }
    }

    /// The default mode may scale large JPEGs in the DCT (here the 1600x900
    /// seeding photo): cosine >= 0.999 to the reference and the same top-1.
    func testDefaultPreprocessingStaysWithinTolerance() throws {
        let fixture = try load()
        let ours = try embeddings(exact: false, fixture)
        for photo in fixture.photos {
            let e = try XCTUnwrap(ours[photo.file])
            XCTAssertGreaterThanOrEqual(cosine(e, photo.embedding), 0.999, photo.file)
            let top = ReferenceVectorTests.backbone.topClasses(embedding: e, k: 1)
            XCTAssertEqual(top.first?.index, photo.top5.first, photo.file)
        }
    }

    func testLargeJPEGIsDecodedAtReducedSize() throws {
        // 1600x900: the smallest eighth keeping the shorter side >= 512 is 5/8 → 1000x563.
        let path = Self.photos.appendingPathComponent("seeding_by_Clements_Engelhardt.jpg").path
        let reduced = try Preprocessing(exact: false).decoder.decode(path: path)
        XCTAssertEqual([reduced.width, reduced.height], [1000, 563])
        let full = try Preprocessing(exact: true).decoder.decode(path: path)
        XCTAssertEqual([full.width, full.height], [1600, 900])
    }
}
