import FocalImages
import FocalScenes
import Foundation
import XCTest

/// One manifest row, parsed the way a consumer of the contract would.
struct ManifestRow {
    var fields: [String: String]
    var image: String { fields["image"]! }
    var split: String { fields["split"]! }
    var positives: [String] { list(fields["positives"]!) }
    var negatives: [String] { list(fields["negatives"]!) }
    var regions: [(concept: String, x: Int, y: Int, w: Int, h: Int)] {
        list(fields["regions"]!).map { item in
            let parts = item.split(separator: "@")
            let n = parts[1].split(separator: ",").map { Int($0)! }
            return (String(parts[0]), n[0], n[1], n[2], n[3])
        }
    }
    var stem: String { ((image as NSString).lastPathComponent as NSString).deletingPathExtension }
    private func list(_ s: String) -> [String] { s.isEmpty ? [] : s.split(separator: "|").map(String.init) }
}

/// RFC 4180 parsing: quoted fields, doubled quotes, commas and line breaks inside quotes.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = ""
    var quoted = false, i = text.startIndex
    while i < text.endIndex {
        let c = text[i]
        if quoted {
            if c == "\"" {
                let next = text.index(after: i)
                if next < text.endIndex && text[next] == "\"" { field.append("\""); i = next } else { quoted = false }
            } else { field.append(c) }
        } else if c == "\"" { quoted = true
        } else if c == "," { row.append(field); field = ""
        } else if c == "\n" { row.append(field); rows.append(row); row = []; field = ""
        } else if c != "\r" { field.append(c) }
        i = text.index(after: i)
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

func readManifest(_ folder: String) throws -> (header: [String], rows: [ManifestRow]) {
    let text = try String(contentsOfFile: folder + "/manifest.csv", encoding: .utf8)
    let table = parseCSV(text)
    let header = table[0]
    let rows = table.dropFirst().map { values in
        ManifestRow(fields: Dictionary(uniqueKeysWithValues: zip(header, values)))
    }
    return (header, rows)
}

/// A gray mask PNG as bytes, one per pixel.
func readMask(_ path: String) throws -> (pixels: [UInt8], width: Int, height: Int) {
    let rgba = try ImageDecoder().decodeRGBA(path: path)
    return ((0..<(rgba.width * rgba.height)).map { rgba.pixels[4 * $0] }, rgba.width, rgba.height)
}

/// Every file under `folder`, relative, sorted.
func listFiles(_ folder: String) -> [String] {
    let walker = FileManager.default.enumerator(atPath: folder)!
    var files: [String] = []
    for case let relative as String in walker {
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory)
        if !isDirectory.boolValue { files.append(relative) }
    }
    return files.sorted()
}
