import FocalDatasets

/// The taxonomy a check used, for the JSON and the report.
public struct TaxonomySummary: Codable, Sendable, Equatable {
    public var file: String
    public var sha256: String
    public var concepts: [TaxonomyConcept]

    public init(_ taxonomy: Taxonomy) {
        file = taxonomy.file
        sha256 = taxonomy.sha256
        concepts = taxonomy.concepts
    }
}

/// Labels checked against a taxonomy: rules on the labels alone, so every
/// finding is exact (no threshold, no model). What a description *says*
/// cannot be read from pixels; what is measured is whether any image is
/// labelled as fitting it, and (through split-concept) whether its positives
/// form groups the description may not name.
public enum TaxonomyFindings {
    public static func findings(_ samples: [Sample], taxonomy: Taxonomy) -> [Finding] {
        missingParents(samples, taxonomy) + excludedPairs(samples, taxonomy) + coverage(samples, taxonomy)
    }

    /// A positive of a child that is not a positive of its parent.
    static func missingParents(_ samples: [Sample], _ t: Taxonomy) -> [Finding] {
        t.concepts.compactMap { c -> Finding? in
            guard let parent = c.parent else { return nil }
            let positives = samples.filter { $0.positives.contains(c.name) }
            let lacking = positives.filter { !$0.positives.contains(parent) }
            guard !lacking.isEmpty else { return nil }
            let contradicted = lacking.filter { $0.negatives.contains(parent) }.count
            return Finding(
                kind: .missingParent, severity: .medium, concept: c.name,
                message: "\(count(lacking.count, "image")) positive for \(c.name) (of \(positives.count)) are not positive for its parent "
                    + "\(parent) in the taxonomy" + (contradicted > 0 ? "; \(contradicted) of them list \(parent) as a negative" : ""),
                images: lacking.map(\.path),
                advice: "add \(parent) to these images' positives, or train with --hierarchy propagate, which does that"
                    + (contradicted > 0 ? " (and overrules the negatives)" : ""),
                weight: Double(lacking.count) / Double(positives.count))
        }
    }

    /// Two concepts the taxonomy says cannot be positive together, positive on one image.
    static func excludedPairs(_ samples: [Sample], _ t: Taxonomy) -> [Finding] {
        t.exclusions.compactMap { a, b -> Finding? in
            let both = samples.filter { $0.positives.contains(a) && $0.positives.contains(b) }
            guard !both.isEmpty else { return nil }
            let either = samples.filter { $0.positives.contains(a) || $0.positives.contains(b) }.count
            return Finding(
                kind: .excludedTogether, severity: .high, concept: a,
                message: "\(count(both.count, "image")) positive for both \(a) and \(b), which the taxonomy says exclude each other",
                images: both.map(\.path),
                advice: "on each image one of the two labels is wrong: fix it; if both really can be seen together, remove the exclusion from \(t.file)",
                weight: Double(both.count) / Double(either))
        }
    }

    /// Concepts in the data the taxonomy lacks (with a did-you-mean), taxonomy
    /// concepts no image is labelled with, and described concepts no image is
    /// labelled positive for.
    static func coverage(_ samples: [Sample], _ t: Taxonomy) -> [Finding] {
        var positive: [String: [String]] = [:], negative: [String: Int] = [:], named: [String: [String]] = [:]
        for s in samples {
            for c in s.positives { positive[c, default: []].append(s.path); named[c, default: []].append(s.path) }
            for c in s.negatives { negative[c, default: 0] += 1; named[c, default: []].append(s.path) }
        }
        var findings: [Finding] = []
        for (concept, paths) in named.sorted(by: { $0.key < $1.key }) where t[concept] == nil {
            let suggestion = t.suggestion(for: concept)
            findings.append(Finding(
                kind: .notInTaxonomy, severity: .medium, concept: concept,
                message: "\(concept) labels \(count(unique(paths).count, "image")) (\(positive[concept]?.count ?? 0) positive) but is not a concept of \(t.file)"
                    + (suggestion.map { "; did you mean \($0)?" } ?? ""),
                images: unique(paths),
                advice: suggestion.map { "if it is \($0), rename \(concept) to \($0) in the labels; otherwise describe \(concept) in \(t.file)" }
                    ?? "describe \(concept) in \(t.file) (description, and parent or excludes where they apply), or fix the label",
                weight: Double(unique(paths).count) / Double(max(1, samples.count))))
        }
        for c in t.concepts where named[c.name] == nil {
            let below = t.descendants(of: c.name).filter { positive[$0] != nil }
            findings.append(Finding(
                kind: .noData, severity: .low, concept: c.name,
                message: "\(c.name) is in the taxonomy but no image is labelled with it, positive or negative"
                    + (below.isEmpty ? "" : " (its descendants \(below.joined(separator: ", ")) have positives: --hierarchy propagate gives it theirs)"),
                images: [],
                advice: "label images with \(c.name) (positives that fit its description, and negatives), or remove it from \(t.file)",
                weight: 0))
        }
        for c in t.concepts where named[c.name] != nil && positive[c.name] == nil {
            findings.append(Finding(
                kind: .noFittingImages, severity: .medium, concept: c.name,
                message: "no image is labelled positive for \(c.name) (\(count(negative[c.name] ?? 0, "negative"))), so nothing in the data shows "
                    + "what its description says: \u{201C}\(c.description)\u{201D}",
                images: [],
                advice: "label images that fit the description as positives of \(c.name), or change the description to what the data shows",
                weight: 1))
        }
        return findings
    }

    static func unique(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }

    /// Each finding about a described concept carries the description; a
    /// split concept's says which groups to hold against it.
    public static func described(_ findings: [Finding], taxonomy: Taxonomy) -> [Finding] {
        findings.map { f in
            var f = f
            guard let concept = f.concept, let description = taxonomy[concept]?.description else { return f }
            f.description = description
            if f.kind == .splitConcept {
                f.message += "; its description in the taxonomy: \u{201C}\(description)\u{201D}"
                f.advice = "hold each group against the description: a group it does not name is a different concept or a labelling error; " + f.advice
            }
            return f
        }
    }
}
