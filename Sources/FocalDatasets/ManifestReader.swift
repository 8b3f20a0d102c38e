import CSV
import FocalFiles
import FocalImages
import Foundation

/// Reads a manifest and checks every row, keeping what can be used and
/// reporting the rest by line: a missing image, a duplicate row, a box outside
/// its image, a malformed label or split, a column that looks like a typo, a
/// concept with no positives.
struct ManifestReader {
    let path: String
    let checkImages: Bool
    var issues: [DatasetIssue] = []

    init(path: String, checkImages: Bool) {
        self.path = path
        self.checkImages = checkImages
    }

    mutating func note(_ line: Int?, _ message: String) {
        issues.append(DatasetIssue(file: path, line: line, message))
    }

    mutating func read() throws -> Dataset {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError(file: path, "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DatasetError(file: path, "not UTF-8 text")
        }
        let (columns, rows) = path.lowercased().hasSuffix(".jsonl") ? try jsonLines(text) : try csvRows(text)
        let extra = columns.filter { !Dataset.columns.contains($0) }
        for column in extra {
            if let near = Dataset.columns.first(where: { editDistance($0, column) <= 2 }) {
                note(1, "unknown column '\(column)' (did you mean '\(near)'?); kept as an extra column")
            }
        }
        // Label tables for features computed elsewhere (checkImages false) may omit images.
        guard columns.contains("image") || !checkImages else { throw DatasetError(file: path, "no 'image' column") }

        let folder = FilePaths.parent(of: path)
        var samples: [Sample] = []
        var seen: [String: Int] = [:]
        for (line, fields) in rows {
            if let sample = try sample(line: line, fields: fields, folder: folder, extraColumns: extra) {
                if let first = seen[sample.path] {
                    note(line, "duplicate of line \(first) (\(sample.image)); this row is ignored")
                    continue
                }
                seen[sample.path] = line
                samples.append(sample)
            }
        }
        let dataset = Dataset(source: path, samples: samples, extraColumns: extra, issues: [])
        var positives: [String: Int] = [:]
        for s in dataset.trainingSamples { for c in s.positives { positives[c, default: 0] += 1 } }
        for concept in dataset.concepts where positives[concept, default: 0] == 0 && !dataset.trainingSamples.isEmpty {
            note(nil, "concept '\(concept)' has no positives to train on")
        }
        var result = Dataset(source: path, samples: samples, extraColumns: extra, issues: issues)
        result.columns = columns
        return result
    }

    /// The CSV library's faults in words, not its case names (`cannotReadHeaderRow`).
    static func describe(_ error: Error) -> String {
        switch error as? CSVError {
        case .cannotReadHeaderRow: return "empty: no header row (expected columns such as image,positives,negatives)"
        case .unicodeDecoding, .stringEncodingMismatch, .stringEndianMismatch: return "not UTF-8 text"
        case .cannotOpenFile, .cannotReadFile, .streamErrorHasOccurred: return "cannot be read"
        default: return "not readable as CSV"
        }
    }

    /// Header and (line, fields by column) rows of a CSV manifest.
    mutating func csvRows(_ text: String) throws -> ([String], [(Int, [String: String])]) {
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: false)
        } catch {
            throw DatasetError(file: path, Self.describe(error))
        }
        guard let header = reader.headerRow, !header.isEmpty else { throw DatasetError(file: path, "no header row") }
        let columns = header.map { $0.trimmingCharacters(in: .whitespaces) }
        var rows: [(Int, [String: String])] = []
        var line = 1
        while let row = reader.next() {
            line += 1
            if row.allSatisfy({ $0.isEmpty }) { continue }
            if row.count > columns.count {
                note(line, "has \(row.count) fields, the header has \(columns.count); extra fields ignored "
                     + "(a field holding commas, such as regions, must be in double quotes)")
            } else if row.count < columns.count {
                note(line, "has \(row.count) fields, the header has \(columns.count); missing fields read as empty")
            }
            var fields: [String: String] = [:]
            for (i, column) in columns.enumerated() where i < row.count { fields[column] = row[i] }
            rows.append((line, fields))
        }
        if let error = reader.error { throw DatasetError(file: path, "after line \(line): \(Self.describe(error))") }
        return (columns, rows)
    }

    /// Columns (first-seen order) and rows of a JSON Lines manifest; lists and
    /// region objects are turned into the CSV field forms.
    mutating func jsonLines(_ text: String) throws -> ([String], [(Int, [String: String])]) {
        var columns: [String] = []
        var rows: [(Int, [String: String])] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                note(line, "not a JSON object; line ignored")
                continue
            }
            var fields: [String: String] = [:]
            for key in object.keys.sorted() {
                if !columns.contains(key) { columns.append(key) }
                switch jsonField(key, object[key]!) {
                case .success(let text): fields[key] = text
                case .failure(let fault):
                    note(line, "'\(key)' \(fault.reason); read as empty")
                    fields[key] = ""
                }
            }
            rows.append((line, fields))
        }
        let ordered = Dataset.columns.filter(columns.contains) + columns.filter { !Dataset.columns.contains($0) }
        return (ordered, rows)
    }

    struct FieldFault: Error { var reason: String }

    /// One JSON Lines value in its CSV field form, or why its type is wrong:
    /// labels are a name or a list of names, regions a list of
    /// {"concept", "box": [x, y, w, h]} (or the CSV text), the rest text or numbers.
    func jsonField(_ key: String, _ value: Any) -> Result<String, FieldFault> {
        func kind(_ v: Any) -> String {
            switch v {
            case is NSNull: return "null"
            case is String: return "a string"
            case is NSNumber: return "a number"
            case is [Any]: return "a list"
            case is [String: Any]: return "an object"
            default: return "\(type(of: v))"
            }
        }
        if value is NSNull { return .success("") }
        switch key {
        case "positives", "negatives":
            if let name = value as? String { return .success(name) }
            guard let list = value as? [Any] else { return .failure(FieldFault(reason: "is \(kind(value)), not a list of concept names")) }
            var names: [String] = []
            for item in list {
                guard let name = item as? String else { return .failure(FieldFault(reason: "holds \(kind(item)), not only concept names")) }
                names.append(name)
            }
            return .success(names.joined(separator: "|"))
        case "image", "split":
            guard let text = value as? String else { return .failure(FieldFault(reason: "is \(kind(value)), not a string")) }
            return .success(text)
        case "regions":
            if let text = value as? String { return .success(text) }
            guard let list = value as? [Any] else { return .failure(FieldFault(reason: "is \(kind(value)), not a list of regions")) }
            var texts: [String] = []
            for item in list {
                guard let region = item as? [String: Any], let concept = region["concept"] as? String,
                      let box = region["box"] as? [Any], box.count == 4, box.allSatisfy({ $0 is NSNumber })
                else { return .failure(FieldFault(reason: "holds an entry that is not {\"concept\": name, \"box\": [x, y, w, h]}")) }
                texts.append("\(concept)@" + box.map { "\($0)" }.joined(separator: ","))
            }
            return .success(texts.joined(separator: "|"))
        default:
            switch value {
            case let text as String: return .success(text)
            case let n as NSNumber: return .success("\(n)")
            case let list as [Any] where list.allSatisfy({ $0 is String || $0 is NSNumber }):
                return .success(list.map { "\($0)" }.joined(separator: "|"))
            default: return .failure(FieldFault(reason: "is \(kind(value)), not text, a number or a list of them"))
            }
        }
    }

    mutating func sample(line: Int, fields: [String: String], folder: String, extraColumns: [String]) throws -> Sample? {
        var image = (fields["image"] ?? "").trimmingCharacters(in: .whitespaces)
        if fields["image"] == nil && !checkImages { image = "row \(line)" }
        guard !image.isEmpty else {
            note(line, "no image; row ignored")
            return nil
        }
        let resolved = FilePaths.resolve(image, in: folder)
        var size: (width: Int, height: Int)?
        if checkImages {
            guard FileManager.default.fileExists(atPath: resolved) else {
                note(line, "image \(image) not found; row ignored")
                return nil
            }
            do {
                size = try ImageDecoder().size(path: resolved)
            } catch {
                note(line, "image \(image) is unreadable (\((error as? ImageError)?.reason ?? "\(error)")); row ignored")
                return nil
            }
        }
        var positives = concepts(fields["positives"])
        var negatives = concepts(fields["negatives"])
        let both = Set(positives).intersection(negatives)
        if !both.isEmpty {
            note(line, "\(both.sorted().joined(separator: ", ")) both positive and negative; treated as unlabelled")
            positives.removeAll(where: both.contains)
            negatives.removeAll(where: both.contains)
        }
        var split: Split?
        let splitText = (fields["split"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if !splitText.isEmpty {
            split = Split(rawValue: splitText)
            if split == nil { note(line, "unknown split '\(splitText)' (train, test, pool or empty); read as empty") }
        }
        var regions: [Region] = []
        for text in (fields["regions"] ?? "").split(separator: "|").map({ $0.trimmingCharacters(in: .whitespaces) })
        where !text.isEmpty {
            guard let region = Region(parsing: text) else {
                note(line, "malformed region '\(text)' (expected concept@x,y,w,h with w, h > 0); region ignored")
                continue
            }
            if let size, !region.fits(width: size.width, height: size.height) {
                note(line, "region \(region.text) lies outside the \(size.width)x\(size.height) image; region ignored")
                continue
            }
            regions.append(region)
        }
        var extra: [String: String] = [:]
        for column in extraColumns { extra[column] = fields[column] ?? "" }
        return Sample(image: image, path: resolved, positives: positives, negatives: negatives, split: split,
                      regions: regions, extra: extra, line: line)
    }

    func concepts(_ field: String?) -> [String] {
        var seen = Set<String>()
        return (field ?? "").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}

/// Levenshtein distance, for "did you mean" on column names.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
