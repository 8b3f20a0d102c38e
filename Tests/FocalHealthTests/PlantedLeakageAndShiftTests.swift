import FocalConcepts
import FocalDatasets
import FocalHealth
import FocalImages
import FocalTestSupport
import FocalTraining
import Foundation
import XCTest

/// Leakage (test images copied into training), studio-vs-phone shift, and a
/// clean generated dataset that must get no high-severity finding.
final class PlantedLeakageAndShiftTests: XCTestCase {
    func findings(_ r: HealthReport, _ kind: FindingKind) -> [Finding] { r.findings.filter { $0.kind == kind } }

    func testTestImagesCopiedIntoTrainingAreLeakage() throws {
        let folder = try temporaryFolder("leak")
        let test = Fixtures.select(Fixtures.apples, where: Fixtures.isTest)
        // 8 test images copied byte for byte, 4 more decoded and re-saved as JPEG at quality 90.
        var copies: [Sample] = [], planted: [String] = []
        for (i, s) in test.samples.prefix(12).enumerated() {
            let path = folder + "/copy\(i).jpg"
            if i < 8 {
                try FileManager.default.copyItem(atPath: s.path, toPath: path)
            } else {
                let image = try ImageDecoder().decode(path: s.path)
                try Data(try ImageEncoder.jpeg(image, quality: 90)).write(to: URL(fileURLWithPath: path))
            }
            var copy = s
            copy.image = path
            copy.path = path
            copy.split = .train
            copies.append(copy)
            planted.append(s.path)
        }
        // And one training image twice within training (different name, same bytes).
        let train = Fixtures.select(Fixtures.apples, where: Fixtures.isTrain)
        var twin = train.samples[3]
        twin.path = folder + "/twin.jpg"
        twin.image = twin.path
        try FileManager.default.copyItem(atPath: train.samples[3].path, toPath: twin.path)
        let extra = try LabelledFeatures(samples: copies + [twin], concepts: train.concepts, featurizer: Fixtures.featurizer)
        XCTAssertEqual(extra.samples.count, 13)
        let report = try HealthCheck().run(HealthInput(training: Fixtures.stack(train, extra), test: test))

        let leakage = try XCTUnwrap(findings(report, .leakage).first)
        XCTAssertEqual(leakage.severity, .high)
        XCTAssertEqual(Set(leakage.images.prefix(8)), Set(planted.prefix(8)), "the identical copies first")
        XCTAssertEqual(Set(leakage.images), Set(planted), "the re-encoded copies too, and nothing else")
        let duplicate = try XCTUnwrap(findings(report, .duplicate).first)
        XCTAssertEqual(Set(duplicate.images), [train.samples[3].path, twin.path])
    }

    func testStudioTrainingAgainstPhoneTargetIsShift() throws {
        // Train on the 200 studio photos; the target is the pool, half studio and half phone photos (column style).
        let training = Fixtures.select(Fixtures.pints, where: Fixtures.isTrain)
        XCTAssertTrue(training.samples.allSatisfy { $0.extra["style"] == "studio" })
        let target = Fixtures.select(Fixtures.pints, where: { $0.split == .pool })
        let phone = Set(target.samples.filter { $0.extra["style"] == "phone" }.map(\.path))
        XCTAssertGreaterThanOrEqual(phone.count, 40)
        let report = try HealthCheck().run(HealthInput(training: training, target: target))
        let shift = try XCTUnwrap(findings(report, .shift).first)
        XCTAssertNotEqual(shift.severity, .low)
        print("shift, studio training vs mixed pool: AUC \(report.shift!.rocAUC)")
        // Half the target is like training, so the AUC is about ½·1 + ½·½ = 0.75 at best separation of the other half.
        XCTAssertGreaterThan(try XCTUnwrap(report.shift).rocAUC.estimate, 0.7)
        XCTAssertEqual(shift.images.count, ShiftReport.listed)
        XCTAssertTrue(shift.images.allSatisfy(phone.contains), "the least-like images are phone photos")

        // Only phone photos (the test split): high.
        let phoneOnly = try HealthCheck().run(HealthInput(training: training, target: Fixtures.select(Fixtures.pints, where: Fixtures.isTest)))
        XCTAssertEqual(findings(phoneOnly, .shift).first?.severity, .high)
        XCTAssertTrue(findings(phoneOnly, .shift).first?.message.contains("darker") ?? false, findings(phoneOnly, .shift).first?.message ?? "")

        // The pool's studio photos alone are representative: no shift finding.
        let studioPool = Fixtures.select(target, where: { !phone.contains($0.path) })
        let same = try HealthCheck().run(HealthInput(training: training, target: studioPool))
        XCTAssertTrue(findings(same, .shift).isEmpty, "\(same.shift?.rocAUC.estimate ?? .nan)")
        print("shift AUC: phone test split \(phoneOnly.shift!.rocAUC.estimate), studio pool \(same.shift!.rocAUC.estimate)")
    }

    func testCleanGeneratedDataHasNoHighFinding() throws {
        // The apples training split checked against test scenes drawn the same way (red apples left out).
        let train = Fixtures.select(Fixtures.apples, where: Fixtures.isTrain)
        let test = Fixtures.select(Fixtures.apples, where: { Fixtures.isTest($0) && $0.extra["apple_color"] != "red" })
        let report = try HealthCheck().run(HealthInput(training: train, test: test))
        let high = report.findings.filter { $0.severity == .high }
        XCTAssertTrue(high.isEmpty, high.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(findings(report, .leakage).isEmpty)
        XCTAssertTrue(findings(report, .duplicate).isEmpty)
        XCTAssertTrue(findings(report, .splitConcept).isEmpty, findings(report, .splitConcept).map(\.message).joined())
    }
}
