import Foundation
import Yams

/// A taxonomy file that cannot be used: one line, `FILE:LINE:COLUMN: problem`
/// where the place is known.
public struct TaxonomyError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    init(file: String, at mark: Mark?, _ message: String) {
        self.init(file: file, line: mark?.line, column: mark?.column, message)
    }

    public var description: String {
        let place = [line, column].compactMap { $0 }.map(String.init).joined(separator: ":")
        return (place.isEmpty ? file : "\(file):\(place)") + ": " + message
    }
}

extension Taxonomy {
    /// The file name Focal looks for beside a dataset.
    public static let fileName = "taxonomy.yaml"

    /// `explicit` if given, else `taxonomy.yaml` in the dataset's folder (DATA
    /// itself when it is a folder, the manifest's folder otherwise); nil when there is none.
    public static func locate(data: String?, explicit: String?) throws -> Taxonomy? {
        if let explicit { return try read(explicit) }
        guard let data else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory) else { return nil }
        let folder = isDirectory.boolValue ? data : (data as NSString).deletingLastPathComponent
        let path = (folder.isEmpty ? "." : folder) + "/" + fileName
        return FileManager.default.fileExists(atPath: path) ? try read(path) : nil
    }

    /// Reads and validates a taxonomy file:
    ///
    /// ```yaml
    /// concepts:
    ///   perfect_pint:
    ///     description: A full pint with a settled, even head of foam.
    ///     parent: pint
    ///     excludes: [flat_pint]
    ///     synonyms: [perfect pour]
    /// ```
    public static func read(_ path: String) throws -> Taxonomy {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw TaxonomyError(file: path, exists ? "cannot read the taxonomy file" : "no such taxonomy file")
        }
        guard let text = String(data: bytes, encoding: .utf8) else { throw TaxonomyError(file: path, "not UTF-8 text") }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw Self.oneLine(error, file: path)
        }
        var parser = TaxonomyParser(file: path)
        let concepts = try parser.concepts(root)
        let taxonomy = Taxonomy(file: path, sha256: ContentHash.sha256([UInt8](bytes)), concepts: concepts)
        try parser.validate(taxonomy)
        return taxonomy
    }

    /// A YAML syntax error as one line: the place, the problem, and its context.
    static func oneLine(_ error: YamlError, file: String) -> TaxonomyError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let during = context.map { " (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? ""
            return TaxonomyError(file: file, at: mark, "not valid YAML: \(problem)\(during)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return TaxonomyError(file: file, at: context.mark,
                                 "the key\(duplicates.count == 1 ? "" : "s") \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) "
                                 + "appear\(duplicates.count == 1 ? "s" : "") twice in one mapping")
        default:
            return TaxonomyError(file: file, "not valid YAML: " + String(describing: error).split(separator: "\n").joined(separator: " "))
        }
    }
}

/// Turns the YAML tree into concepts, naming the place of each fault.
struct TaxonomyParser {
    var file: String
    /// Where each concept and each of its fields were written, for messages about them.
    var marks: [String: Mark] = [:]
    static let keys = ["description", "parent", "excludes", "synonyms"]

    init(file: String) { self.file = file }

    mutating func concepts(_ root: Node?) throws -> [TaxonomyConcept] {
        guard let root else { throw TaxonomyError(file: file, "empty: expected a 'concepts:' mapping of concept names") }
        guard let top = root.mapping else { throw TaxonomyError(file: file, at: root.mark, "expected a mapping with the key 'concepts'") }
        for (key, _) in top where key.string != "concepts" {
            throw TaxonomyError(file: file, at: key.mark, "unknown top-level key '\(key.string ?? "?")' (expected 'concepts')")
        }
        guard let node = top["concepts"] else { throw TaxonomyError(file: file, at: root.mark, "no 'concepts:' key") }
        guard let mapping = node.mapping, !mapping.isEmpty else {
            throw TaxonomyError(file: file, at: node.mark, "'concepts' must be a mapping of concept names to their description, parent, excludes and synonyms")
        }
        return try mapping.map { key, value in try concept(key, value) }
    }

    mutating func concept(_ key: Node, _ value: Node) throws -> TaxonomyConcept {
        guard let name = scalar(key), !name.isEmpty else { throw TaxonomyError(file: file, at: key.mark, "a concept name must be a non-empty string") }
        marks[name] = key.mark
        guard let fields = value.mapping else {
            throw TaxonomyError(file: file, at: value.mark, "concept '\(name)' must be a mapping with at least 'description'")
        }
        for (k, _) in fields where !Self.keys.contains(k.string ?? "") {
            throw TaxonomyError(file: file, at: k.mark, "concept '\(name)': unknown key '\(k.string ?? "?")' (expected \(Self.keys.joined(separator: ", ")))")
        }
        guard let d = fields["description"] else { throw TaxonomyError(file: file, at: key.mark, "concept '\(name)' has no description") }
        guard let description = scalar(d)?.trimmingCharacters(in: .whitespacesAndNewlines), !description.isEmpty else {
            throw TaxonomyError(file: file, at: d.mark, "concept '\(name)': the description must be non-empty text")
        }
        var parent: String?
        if let p = fields["parent"], !isNull(p) {
            guard let text = scalar(p), !text.isEmpty else { throw TaxonomyError(file: file, at: p.mark, "concept '\(name)': parent must be one concept name") }
            parent = text
            marks[name + "\u{1F}parent"] = p.mark
        }
        let excludes = try list(fields["excludes"], "excludes", of: name)
        if let e = fields["excludes"] { marks[name + "\u{1F}excludes"] = e.mark }
        return TaxonomyConcept(name: name, description: description, parent: parent, excludes: excludes,
                               synonyms: try list(fields["synonyms"], "synonyms", of: name))
    }

    /// A list of names, written as a sequence or as a single name.
    func list(_ node: Node?, _ field: String, of name: String) throws -> [String] {
        guard let node, !isNull(node) else { return [] }
        if let one = scalar(node) { return one.isEmpty ? [] : [one] }
        guard let sequence = node.sequence else {
            throw TaxonomyError(file: file, at: node.mark, "concept '\(name)': \(field) must be a list of names")
        }
        return try sequence.map { item in
            guard let text = scalar(item), !text.isEmpty else {
                throw TaxonomyError(file: file, at: item.mark, "concept '\(name)': each of \(field) must be a name")
            }
            return text
        }
    }

    func scalar(_ node: Node) -> String? { node.scalar.map(\.string) }
    func isNull(_ node: Node) -> Bool { node.scalar.map { $0.string.isEmpty || $0.string == "~" || $0.string == "null" } ?? false }

    /// References to unknown concepts, cycles of parents, exclusions that
    /// contradict the hierarchy, and synonyms that name two concepts.
    func validate(_ t: Taxonomy) throws {
        let known = Set(t.names)
        for c in t.concepts {
            if let p = c.parent {
                guard p != c.name else { throw TaxonomyError(file: file, at: marks[c.name + "\u{1F}parent"], "concept '\(c.name)' is its own parent") }
                guard known.contains(p) else {
                    throw TaxonomyError(file: file, at: marks[c.name + "\u{1F}parent"], "concept '\(c.name)': parent '\(p)' is not a concept of this taxonomy")
                }
            }
            for e in c.excludes where !known.contains(e) {
                throw TaxonomyError(file: file, at: marks[c.name + "\u{1F}excludes"], "concept '\(c.name)': excludes '\(e)', which is not a concept of this taxonomy")
            }
        }
        for c in t.concepts { try checkCycle(from: c.name, t) }
        for c in t.concepts {
            let ancestors = t.ancestors(of: c.name)
            for e in c.excludes {
                if e == c.name { throw TaxonomyError(file: file, at: marks[c.name + "\u{1F}excludes"], "concept '\(c.name)' excludes itself") }
                if ancestors.contains(e) || t.ancestors(of: e).contains(c.name) {
                    let (child, ancestor) = ancestors.contains(e) ? (c.name, e) : (e, c.name)
                    throw TaxonomyError(file: file, at: marks[c.name + "\u{1F}excludes"],
                                        "concept '\(c.name)' excludes '\(e)', but every '\(child)' is a '\(ancestor)' (parent chain), so both are positive together")
                }
            }
        }
        var owner: [String: String] = [:]
        for c in t.concepts { owner[Taxonomy.normalised(c.name)] = c.name }
        for c in t.concepts {
            for s in c.synonyms {
                let key = Taxonomy.normalised(s)
                if let other = owner[key], other != c.name {
                    throw TaxonomyError(file: file, at: marks[c.name], "concept '\(c.name)': synonym '\(s)' also names '\(other)'")
                }
                owner[key] = c.name
            }
        }
    }

    /// A parent chain that comes back to where it started.
    func checkCycle(from name: String, _ t: Taxonomy) throws {
        var chain = [name], current = t[name]?.parent
        while let p = current {
            if p == name {
                throw TaxonomyError(file: file, at: marks[name + "\u{1F}parent"], "the parents form a cycle: \((chain + [p]).joined(separator: " → "))")
            }
            if chain.contains(p) { return }  // a cycle further up, reported from one of its own members
            chain.append(p)
            current = t[p]?.parent
        }
    }
}
