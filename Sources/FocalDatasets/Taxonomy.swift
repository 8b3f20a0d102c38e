import Foundation

/// One concept as a taxonomy describes it: what it means in words, what it
/// is a kind of, what cannot be true of the same image, and other names
/// people use for it.
public struct TaxonomyConcept: Codable, Equatable, Sendable {
    public var name: String
    public var description: String
    /// The concept this one is a kind of (is-a): every positive of this concept is a positive of the parent.
    public var parent: String?
    /// Concepts that cannot be positive on the same image as this one (symmetric).
    public var excludes: [String]
    public var synonyms: [String]

    public init(name: String, description: String, parent: String? = nil, excludes: [String] = [], synonyms: [String] = []) {
        self.name = name
        self.description = description
        self.parent = parent
        self.excludes = excludes
        self.synonyms = synonyms
    }
}

/// The concept descriptions a dataset's labels should follow (`taxonomy.yaml`),
/// read and validated by `Taxonomy.read`: every parent and exclusion names a
/// known concept, the parents form no cycle, and no concept excludes one of
/// its own ancestors or descendants.
public struct Taxonomy: Sendable {
    /// The file it was read from, for messages.
    public var file: String
    /// SHA-256 of the file's bytes, recorded in models trained with it.
    public var sha256: String
    /// In the file's order.
    public var concepts: [TaxonomyConcept]
    private var index: [String: Int]

    public init(file: String, sha256: String, concepts: [TaxonomyConcept]) {
        self.file = file
        self.sha256 = sha256
        self.concepts = concepts
        index = Dictionary(concepts.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public subscript(name: String) -> TaxonomyConcept? { index[name].map { concepts[$0] } }

    public var names: [String] { concepts.map(\.name) }

    /// The parent, its parent, and so on (nearest first). Stops at a repeat, so
    /// an unvalidated taxonomy with a cycle cannot loop.
    public func ancestors(of name: String) -> [String] {
        var chain: [String] = [], seen: Set<String> = [name]
        var current = self[name]?.parent
        while let p = current, seen.insert(p).inserted {
            chain.append(p)
            current = self[p]?.parent
        }
        return chain
    }

    /// Every concept that has `name` among its ancestors.
    public func descendants(of name: String) -> [String] {
        names.filter { ancestors(of: $0).contains(name) }
    }

    /// Whether either concept's `excludes` names the other.
    public func excludes(_ a: String, _ b: String) -> Bool {
        (self[a]?.excludes.contains(b) ?? false) || (self[b]?.excludes.contains(a) ?? false)
    }

    /// Every excluded pair once, in file order.
    public var exclusions: [(String, String)] {
        var pairs: [(String, String)] = [], seen = Set<[String]>()
        for c in concepts {
            for e in c.excludes where seen.insert([c.name, e].sorted()).inserted { pairs.append((c.name, e)) }
        }
        return pairs
    }

    /// The taxonomy concept a name the taxonomy lacks probably means: one whose
    /// name or synonym is the same word up to case, spaces, '-' and '_', or
    /// else the nearest within a few edits (a third of the name's length).
    public func suggestion(for unknown: String) -> String? {
        let key = Self.normalised(unknown)
        for c in concepts where ([c.name] + c.synonyms).contains(where: { Self.normalised($0) == key }) { return c.name }
        let limit = max(1, key.count / 3)
        let scored = concepts.flatMap { c in ([c.name] + c.synonyms).map { (c.name, Self.editDistance(key, Self.normalised($0))) } }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
        return best.0
    }

    static func normalised(_ s: String) -> String {
        String(s.lowercased().map { $0 == "-" || $0 == "_" ? " " : $0 }).split(separator: " ").joined(separator: " ")
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var row = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
