import FocalFiles
import FocalReport
import Foundation

/// JSON for scripts: snake_case keys, sorted, NaN written as null-free "nan".
func jsonText<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// A number for people: 3 decimals, or "—" when undefined (as the HTML reports write it).
func number(_ x: Double, digits: Int = 3) -> String {
    Format.number(x, digits: digits)
}

/// Creates the folder a file will be written into.
func makeParentFolder(of path: String) throws {
    try FileManager.default.createDirectory(atPath: FilePaths.parent(of: path), withIntermediateDirectories: true)
}
