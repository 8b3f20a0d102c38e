import FocalImages
import Foundation
import XCTest

/// `focal explain` through the command line: the files it writes, its JSON, its errors.
final class ExplainCommandTests: XCTestCase {
    func testExplainWritesPictureAndDocumentAndRefusesBadInput() throws {
        let folder = NSTemporaryDirectory() + "focal-explain-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = folder + "/store.sqlite"
        let wedding = ConceptCommandTests.wedding
        let model = folder + "/bouquet.focal"
        XCTAssertEqual(try runFocal(["train", wedding, "--out", model, "--concept", "bouquet", "--c", "1"], store: store).status, 0)

        // A test scene with wedding context and no bouquet: the context-trained head fires on it.
        let csv = try String(contentsOfFile: wedding + "/manifest.csv", encoding: .utf8)
        let row = csv.split(separator: "\n").first { $0.contains(",test,") && $0.hasPrefix("images/test/") && $0.contains(",wedding,") && !$0.split(separator: ",")[1].contains("bouquet") }!
        let image = wedding + "/" + row.split(separator: ",")[0]
        let out = folder + "/explanations"
        let report = folder + "/report"
        let run = try runFocal(["explain", "--model", model, image, "--concept", "bouquet", "--out", out, "--json", "--report", report], store: store)
        XCTAssertEqual(run.status, 0, run.stderr)
        let doc = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        for key in ["image", "concept", "score", "settings", "heatmap", "regions", "focal"] { XCTAssertNotNil(doc[key], key) }
        let heatmap = doc["heatmap"] as! [String: Any]
        XCTAssertEqual((heatmap["rows"] as! [[Double]]).count, heatmap["height"] as? Int)
        let regions = doc["regions"] as! [[String: Any]]
        XCTAssertFalse(regions.isEmpty)
        let shares = regions.map { $0["share"] as! Double }
        XCTAssertEqual(shares, shares.sorted(by: >))
        // The report: one section for this image and concept, with its heatmap picture.
        let imageStem = ((image as NSString).lastPathComponent as NSString).deletingPathExtension
        try assertReport(in: report, sections: ["explanation-\(imageStem)-bouquet"], images: 1, screenshot: "explain-wedding.png")
        for r in regions {
            let box = r["box"] as! [Int]
            XCTAssertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 256 && box[1] + box[3] <= 256, "\(box)")
        }
        // The scene has no bouquet, so its own evidence cannot be among the regions.
        XCTAssertEqual(doc["focal"] as? Bool, false)
        let stem = ((image as NSString).lastPathComponent as NSString).deletingPathExtension
        let picture = try ImageDecoder().decode(path: out + "/\(stem).bouquet.png")
        XCTAssertEqual(picture.width, 256)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/\(stem).bouquet.json"))

        // Bad input: a one-line error and nothing written.
        let empty = folder + "/nothing"
        let tooBig = try runFocal(["explain", "--model", model, image, "--window", "300", "--out", empty], store: store)
        XCTAssertNotEqual(tooBig.status, 0)
        XCTAssertTrue(tooBig.stderr.contains("--window 300 does not fit the 224x224 input"), tooBig.stderr)
        let unknown = try runFocal(["explain", "--model", model, image, "--concept", "veil", "--out", empty], store: store)
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("has no concept 'veil'"), unknown.stderr)
        let bad = folder + "/bad.jpg"
        try Data("nope".utf8).write(to: URL(fileURLWithPath: bad))
        let unreadable = try runFocal(["explain", "--model", model, bad, "--concept", "bouquet", "--out", empty], store: store)
        XCTAssertNotEqual(unreadable.status, 0)
        XCTAssertTrue(unreadable.stderr.contains(bad + ": not a JPEG or PNG image"), unreadable.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: empty))
    }
}
