import FocalBackbone
@testable import FocalConcepts
@testable import FocalDatasets
import FocalImages
import FocalTestSupport
import FocalTraining
import Foundation
import XCTest

/// How labelled boxes become training examples, worked out by hand on one
/// 200×100 photo with a bouquet box at (10, 20, 30, 40) and a veil box at
/// (120, 10, 40, 40), positive for both and negative for person.
final class RegionExamplePlanTests: XCTestCase {
    let concepts = ["bouquet", "veil", "person"]
    let sample = Sample(image: "a.jpg", path: "/d/a.jpg", positives: ["bouquet", "veil"], negatives: ["person"],
                        regions: [Region(concept: "bouquet", x: 10, y: 20, width: 30, height: 40),
                                  Region(concept: "veil", x: 120, y: 10, width: 40, height: 40)])
    let plain = Sample(image: "b.jpg", path: "/d/b.jpg", positives: ["person"], negatives: ["bouquet"])

    func plan(_ kind: ExampleKind, background: Bool = false) -> [PlannedExample] {
        RegionExamplePlanner(options: RegionExampleOptions(kind: kind, margin: 0.25, backgroundNegatives: background),
                             concepts: concepts).plan([sample, plain]) { $0 == 0 ? (200, 100) : (50, 50) }
    }

    func testSquareCropsKeepAQuarterOfTheLongerSideAroundTheBox() {
        let crops = plan(.regions).compactMap(\.crop)
        // bouquet: side round(40 · 1.5) = 60 around (25, 40) → x −5 moved in to 0, y 10.
        // veil: side 60 around (140, 30) → x 110, y 0.
        XCTAssertEqual(crops, [ImageCrop(path: "/d/a.jpg", x: 0, y: 10, width: 60, height: 60),
                               ImageCrop(path: "/d/a.jpg", x: 110, y: 0, width: 60, height: 60)])
    }

    func testRegionsLabelTheBoxAndKeepTheImageForWhatNoBoxLocalises() {
        let p = plan(.regions)
        XCTAssertEqual(p.map(\.source), [.image, .region(sample.regions[0]), .region(sample.regions[1]), .image])
        XCTAssertEqual(p.map(\.labels), [[.unknown, .unknown, .negative],   // bouquet and veil are in boxes
                                         [.positive, .unknown, .negative],
                                         [.unknown, .positive, .negative],
                                         [.negative, .unknown, .positive]])  // no boxes: the image whole
        XCTAssertEqual(p.map(\.sample), [0, 0, 0, 1])
    }

    func testBothKeepsTheWholeImageWithAllItsLabels() {
        let p = plan(.both)
        XCTAssertEqual(p.map(\.labels)[0], [.positive, .positive, .negative])
        XCTAssertEqual(p.filter { $0.crop != nil }.count, 2)
        XCTAssertEqual(plan(.images).map(\.labels), [[.positive, .positive, .negative], [.negative, .unknown, .positive]])
    }

    func testBackgroundIsTheLargestBandBesideTheConceptsWidenedBoxes() {
        let backgrounds = plan(.images, background: true).filter { $0.crop != nil && $0.source != .image }
        // bouquet widened by 10: x 0…50, y 10…70 → bands right 150×100, bottom 200×30, top 200×10: the right one.
        // veil widened by 10: x 110…170, y 0…60 → left 110×100 beats bottom 200×40 and right 30×100.
        XCTAssertEqual(backgrounds.map(\.source), [.background(concept: "bouquet"), .background(concept: "veil")])
        XCTAssertEqual(backgrounds.map(\.crop), [ImageCrop(path: "/d/a.jpg", x: 50, y: 0, width: 150, height: 100),
                                                 ImageCrop(path: "/d/a.jpg", x: 0, y: 0, width: 110, height: 100)])
        XCTAssertEqual(backgrounds.map(\.labels), [[.negative, .unknown, .negative], [.unknown, .negative, .negative]])
    }

    func testBackgroundTooSmallAndBoxesOutsideTheImageAreLeftOut() {
        var big = sample
        big.regions = [Region(concept: "bouquet", x: 20, y: 5, width: 160, height: 90),   // leaves 10-px bands only
                       Region(concept: "veil", x: 150, y: 60, width: 80, height: 80)]     // runs off the photo
        let p = RegionExamplePlanner(options: RegionExampleOptions(kind: .regions, margin: 0.25, backgroundNegatives: true),
                                     concepts: concepts).plan([big]) { _ in (200, 100) }
        // The box off the photo is ignored: veil stays a label of the whole image, with no crop or background.
        XCTAssertEqual(p.map(\.source), [.image, .region(big.regions[0])])
        XCTAssertEqual(p[0].labels, [.unknown, .positive, .negative])
    }

    func testPropagationMakesABoxAnExampleOfItsAncestors() {
        var planner = RegionExamplePlanner(options: RegionExampleOptions(kind: .regions, margin: 0.25, backgroundNegatives: true),
                                           concepts: ["flowers", "bouquet", "veil"])
        planner.ancestors = { $0 == "bouquet" ? ["flowers"] : [] }
        planner.descendants = { $0 == "flowers" ? ["bouquet"] : [] }
        var s = sample
        s.positives = ["bouquet", "flowers"]
        s.negatives = []
        s.regions = [Region(concept: "bouquet", x: 10, y: 20, width: 30, height: 40), Region(concept: "flowers", x: 150, y: 10, width: 30, height: 30)]
        let p = planner.plan([s]) { _ in (200, 100) }
        let bouquetBox = p.first { $0.source == .region(s.regions[0]) }!
        XCTAssertEqual(bouquetBox.labels, [.positive, .positive, .unknown])
        let flowersBackground = p.first { $0.source == .background(concept: "flowers") }!
        XCTAssertEqual(flowersBackground.labels, [.negative, .negative, .unknown], "no flowers, so no bouquet either")
    }
}

/// Crops go through the same preprocessing and store as whole images.
final class CropFeaturizerTests: XCTestCase {
    static let photos = Repository.dataset("photos")

    func testACropEmbedsLikeTheSameCropSavedAsItsOwnFile() throws {
        let path = Self.photos + "/chelsea.png"
        let folder = NSTemporaryDirectory() + "focal-crops-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let boxes = [ImageCrop(path: path, x: 50, y: 40, width: 200, height: 180), ImageCrop(path: path, x: 300, y: 10, width: 120, height: 250)]
        let image = try ImageDecoder().decode(path: path)
        let files = try boxes.enumerated().map { i, b -> String in
            let file = folder + "/crop\(i).png"
            let bytes = try ImageEncoder.png(image.cropped(x: b.x, y: b.y, width: b.width, height: b.height))
            FileManager.default.createFile(atPath: file, contents: Data(bytes))
            return file
        }
        let store = try EmbeddingStore(path: folder + "/store.sqlite")
        let featurizer = Featurizer(backbone: try Backbone.load(), store: store)
        let crops = try featurizer.embed(crops: boxes)
        let wholes = try featurizer.embed(paths: files)
        XCTAssertEqual(crops.computed, 2)
        for i in boxes.indices {
            XCTAssertEqual(try crops.embeddings[i].get(), try wholes.embeddings[i].get(), "crop \(i)")
        }
        // Asked again: from the store, nothing computed.
        let again = try featurizer.embed(crops: boxes)
        XCTAssertEqual(again.computed, 0)
        XCTAssertEqual(try again.embeddings[1].get(), try crops.embeddings[1].get())
    }

    static let fixtures = Repository.root.appendingPathComponent("Tests/FocalImagesTests/Fixtures").path

    /// A crop of a large JPEG (decoded smaller for whole images) and of a JPEG
    /// turned by EXIF: the same as the upright full-resolution rectangle saved
    /// as its own file.
    func testCropsOfLargeAndTurnedJPEGsKeepFullResolutionAndOrientation() throws {
        let folder = NSTemporaryDirectory() + "focal-crops-jpeg-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cases = [ImageCrop(path: Self.fixtures + "/jpeg_large.jpg", x: 800, y: 600, width: 300, height: 300),
                     ImageCrop(path: Self.fixtures + "/orient_6.jpg", x: 2, y: 5, width: 15, height: 20)]
        let featurizer = Featurizer(backbone: try Backbone.load(), store: nil)
        let crops = try featurizer.embed(crops: cases)
        for (i, c) in cases.enumerated() {
            let upright = try ImageDecoder().decode(path: c.path)  // full size, EXIF applied
            let file = folder + "/\(i).png"
            FileManager.default.createFile(atPath: file, contents: Data(try ImageEncoder.png(
                upright.cropped(x: c.x, y: c.y, width: c.width, height: c.height))))
            XCTAssertEqual(try crops.embeddings[i].get(), try featurizer.embed(paths: [file]).embeddings[0].get(), c.path)
        }
        // 2000×1500 with a 300-px crop: 1500 · 512 / 300 = 2560, so the full 1500; a 1200-px crop needs 640.
        let preprocessing = Preprocessing()
        XCTAssertEqual(Featurizer.cropDecoder(preprocessing, size: (2000, 1500), smallestCrop: 300).options.minimumShorterSide, 1500)
        XCTAssertEqual(Featurizer.cropDecoder(preprocessing, size: (2000, 1500), smallestCrop: 1200).options.minimumShorterSide, 640)
        XCTAssertNil(Featurizer.cropDecoder(Preprocessing(exact: true), size: (2000, 1500), smallestCrop: 300).options.minimumShorterSide)
    }

    func testAnUnreadableFileFailsItsCropsOnly() throws {
        let featurizer = Featurizer(backbone: try Backbone.load(), store: nil)
        let result = try featurizer.embed(crops: [ImageCrop(path: "/no/such.png", x: 0, y: 0, width: 10, height: 10),
                                                  ImageCrop(path: Self.photos + "/chelsea.png", x: 0, y: 0, width: 64, height: 64)])
        XCTAssertThrowsError(try result.embeddings[0].get())
        XCTAssertNoThrow(try result.embeddings[1].get())
    }
}

/// The bar on the shipped wedding data: trained on region examples,
/// the bouquet head fires less on test scenes with veil, greenery and flowers
/// and no bouquet than the head trained on whole images, beyond the paired
/// bootstrap interval.
final class RegionExampleWeddingTests: XCTestCase {
    static let wedding = Repository.dataset("wedding")

    func testRegionExamplesCutContextFalsePositives() throws {
        let dataset = try Dataset.open(Self.wedding)
        let store = try EmbeddingStore(path: NSTemporaryDirectory() + "focal-tests-\(getpid()).sqlite")
        let featurizer = Featurizer(backbone: try Backbone.load(), store: store)
        let contextTest = dataset.samples(in: .test).filter { $0.extra["context"] == "wedding" }
        XCTAssertEqual(contextTest.count, 100)  // half with a bouquet, half without (datasets/wedding/synth.json)
        let test = try LabelledFeatures(samples: contextTest, concepts: ["bouquet"], featurizer: featurizer)
        var images = ConceptTrainer(seed: 0, concepts: ["bouquet"]), regions = images
        regions.examples = RegionExampleOptions(kind: .regions, backgroundNegatives: true)
        let a = try images.train(dataset, featurizer: featurizer), b = try regions.train(dataset, featurizer: featurizer)
        XCTAssertNil(a.model.training.examples)
        let record = try XCTUnwrap(b.model.training.examples)
        XCTAssertEqual(record.kind, "regions")
        // Every box of a positive concept that says something about bouquet: bouquet's own, and any box on an
        // image negative for bouquet (a person, say). Backgrounds: at most one per bouquet photo.
        XCTAssertEqual(record.regions, dataset.trainingSamples.flatMap { s in
            s.regions.filter { s.positives.contains($0.concept) && ($0.concept == "bouquet" || s.negatives.contains("bouquet")) }
        }.count)
        let bouquetPhotos = dataset.trainingSamples.filter { $0.positives.contains("bouquet") }.count
        XCTAssertGreaterThan(record.backgrounds, bouquetPhotos / 4)
        XCTAssertLessThanOrEqual(record.backgrounds, bouquetPhotos)
        func side(_ o: ConceptTrainer.Outcome) -> ComparisonReport.Side {
            .init(dataset: "wedding", revision: o.revision, trainingSamples: o.training.samples.count, c: o.model.regularization)
        }
        let report = Comparer(seed: 0).compare(a: a.model, b: b.model, sideA: side(a), sideB: side(b), test: test, testPath: "context")
        let fpr = try XCTUnwrap(report.concepts.first?.metrics.first { $0.name == "false_positive_rate" })
        print("context false-positive rate: images \(fpr.a), regions+backgrounds \(fpr.b), "
              + "difference \(fpr.difference.estimate) [\(fpr.difference.lower), \(fpr.difference.upper)]")
        XCTAssertLessThan(fpr.b, fpr.a)
        XCTAssertLessThan(fpr.difference.upper, 0, "the whole interval below zero")
    }
}
