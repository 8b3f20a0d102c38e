import Foundation
import XCTest
@testable import FocalImages

/// `Fixtures/expected.json`, written by `Fixtures/make_fixtures.py` from Pillow's
/// decodes and resizes (the independent reference). Pixel arrays are base64 of
/// interleaved RGB bytes, rows top to bottom.
struct Expected: Decodable {
    struct Tolerance: Decodable {
        /// Largest absolute difference allowed on any sample.
        let max: Int
        /// Largest mean absolute difference allowed over all samples.
        let mean: Double
    }

    struct File: Decodable {
        struct OnBackground: Decodable {
            let background: [Int]
            let pixels: String
        }
        let kind: String
        let width: Int
        let height: Int
        let mean: [Double]
        let tolerance: Tolerance
        let pixels: String?
        let orientation: Int?
        let onBackground: OnBackground?
        let note: String
    }

    struct Stored: Decodable {
        let file: String
        let width: Int
        let height: Int
        let pixels: String
        let tolerance: Tolerance
        let minimumShorterSide: Int?
    }

    struct Bad: Decodable {
        let kind: String
        let note: String
    }

    struct Large: Decodable {
        struct Samples: Decodable {
            let columns: Int
            let rows: Int
            let pixels: String
            let tolerance: Tolerance
        }
        struct Grid: Decodable {
            let columns: Int
            let rows: Int
            let means: [Double]
            let tolerance: Double
        }
        struct Case: Decodable {
            let minimumShorterSide: Int?
            let n: Int
            let width: Int
            let height: Int
            let reference: String
            let samples: Samples?
            let grid: Grid?
            let mean: [Double]
            let meanTolerance: Double
        }
        let file: String
        let width: Int
        let height: Int
        let cases: [Case]
    }

    /// An output compared exactly: by its FNV-1a 64 hash, and byte by byte when stored.
    struct Exact: Decodable {
        let source: String?
        let sourceWidth: Int?
        let sourceHeight: Int?
        let shorterSide: Int?
        let left: Int?
        let top: Int?
        let width: Int
        let height: Int
        let fnv1a64: String
        let mean: [Double]
        let pixels: String?
    }

    /// Pillow's JPEG round trip (save at `quality`, decode) of `smoothImage(width:height:)`.
    struct RoundTrip: Decodable {
        let width: Int
        let height: Int
        let quality: Int
        let pixels: String
        let tolerance: Tolerance
        /// How far Pillow's round trip lands from the source.
        let pillowError: Tolerance
    }

    let files: [String: File]
    let jpegRoundtrip: [RoundTrip]
    let bad: [String: Bad]
    let large: Large
    let orientationRaw: Stored
    let orientationScaled: Stored
    let resize: [Exact]
    let syntheticResize: [Exact]
    let shorterSide: [Exact]
    let crop: [Exact]

    static let shared: Expected = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: fixturePath("expected.json"))))
        } catch {
            fatalError("Fixtures/expected.json: \(error)")
        }
    }()
}

/// The path of a file in the copied Fixtures folder.
func fixturePath(_ name: String) -> String {
    guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
        fatalError("missing fixture \(name)")
    }
    return url.path
}

func bytes(base64 text: String) -> [UInt8] {
    guard let data = Data(base64Encoded: text) else { fatalError("bad base64 in expected.json") }
    return [UInt8](data)
}

func fnv1a64(_ bytes: [UInt8]) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01B3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

func channelMeans(_ image: RGBImage) -> [Double] {
    var sums = [0.0, 0.0, 0.0]
    for i in stride(from: 0, to: image.pixels.count, by: 3) {
        sums[0] += Double(image.pixels[i]); sums[1] += Double(image.pixels[i + 1]); sums[2] += Double(image.pixels[i + 2])
    }
    let n = Double(max(image.width * image.height, 1))
    return sums.map { $0 / n }
}

/// The test image of `make_fixtures.synthetic`: sources for resizing that need no file.
func syntheticImage(width: Int, height: Int) -> RGBImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            let i = (y * width + x) * 3
            pixels[i] = UInt8((x * 5 + y * 3 + ((x * y) >> 4)) & 255)
            pixels[i + 1] = UInt8(((x * x + 2 * y * y) / 17) & 255)
            pixels[i + 2] = ((x / 16 + y / 16) % 2 == 1) ? 255 : UInt8((x ^ y) & 255)
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}

/// The test image of `make_fixtures.smooth`: gradients and a triangle wave, integers only.
func smoothImage(width: Int, height: Int) -> RGBImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            let i = (y * width + x) * 3
            let t = ((x + 2 * y) * 6) % 400
            pixels[i] = UInt8(255 * x / max(width - 1, 1))
            pixels[i + 1] = UInt8(255 * y / max(height - 1, 1))
            pixels[i + 2] = UInt8(28 + (t < 200 ? t : 400 - t))
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}

/// Mean of each cell; cell (i, j) covers x in [i*W/cols, (i+1)*W/cols), likewise y (as in the script).
func gridMeans(_ image: RGBImage, columns: Int, rows: Int) -> [Double] {
    var out: [Double] = []
    for j in 0..<rows {
        let y0 = j * image.height / rows, y1 = (j + 1) * image.height / rows
        for i in 0..<columns {
            let x0 = i * image.width / columns, x1 = (i + 1) * image.width / columns
            var sums = [0.0, 0.0, 0.0]
            for y in y0..<y1 {
                for x in x0..<x1 {
                    let p = image[x, y]
                    sums[0] += Double(p.r); sums[1] += Double(p.g); sums[2] += Double(p.b)
                }
            }
            let n = Double((y1 - y0) * (x1 - x0))
            out += sums.map { $0 / n }
        }
    }
    return out
}

/// The pixels at x = (2i+1)*W / (2*cols), y = (2j+1)*H / (2*rows), as RGB bytes (as in the script).
func samplePixels(_ image: RGBImage, columns: Int, rows: Int) -> [UInt8] {
    var out: [UInt8] = []
    for j in 0..<rows {
        let y = (2 * j + 1) * image.height / (2 * rows)
        for i in 0..<columns {
            let p = image[(2 * i + 1) * image.width / (2 * columns), y]
            out += [p.r, p.g, p.b]
        }
    }
    return out
}

/// Compares two equally long sample arrays within a tolerance, reporting the worst place.
func assertClose(_ actual: [UInt8], _ expected: [UInt8], max maxAllowed: Int, mean meanAllowed: Double,
                 width: Int, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("\(what): \(actual.count) samples, expected \(expected.count)", file: file, line: line)
        return
    }
    var worst = 0, worstAt = 0, total = 0
    for i in 0..<actual.count {
        let d = abs(Int(actual[i]) - Int(expected[i]))
        total += d
        if d > worst { worst = d; worstAt = i }
    }
    let mean = actual.isEmpty ? 0 : Double(total) / Double(actual.count)
    let pixel = worstAt / 3
    let at = "x \(pixel % max(width, 1)), y \(pixel / max(width, 1)), channel \(worstAt % 3)"
    XCTAssertLessThanOrEqual(worst, maxAllowed,
                             "\(what): differs by \(worst) at \(at) (ours \(actual.isEmpty ? 0 : actual[worstAt]), Pillow \(expected.isEmpty ? 0 : expected[worstAt]))",
                             file: file, line: line)
    XCTAssertLessThanOrEqual(mean, meanAllowed, "\(what): mean absolute difference \(mean)", file: file, line: line)
}

/// Runs `body`, which must throw an `ImageError`, and returns it.
func expectImageError(_ what: String, file: StaticString = #filePath, line: UInt = #line,
                      _ body: () throws -> Any) -> ImageError? {
    do {
        _ = try body()
        XCTFail("\(what): decoded, expected an ImageError", file: file, line: line)
    } catch let error as ImageError {
        return error
    } catch {
        XCTFail("\(what): threw \(type(of: error)) \(error), expected an ImageError", file: file, line: line)
    }
    return nil
}
