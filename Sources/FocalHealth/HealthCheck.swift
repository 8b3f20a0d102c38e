import FocalConcepts
import FocalDatasets
import FocalTraining
import Foundation

/// What a health check reads: the training data, and optionally a labelled
/// test set and a target set (images the model will really see; labels, if
/// any, are used for the scope check only), all as embedded features.
public struct HealthInput {
    public var training: LabelledFeatures
    public var test: LabelledFeatures?
    public var target: LabelledFeatures?
    /// The concept descriptions the labels should follow, if any.
    public var taxonomy: Taxonomy?

    public init(training: LabelledFeatures, test: LabelledFeatures? = nil, target: LabelledFeatures? = nil, taxonomy: Taxonomy? = nil) {
        self.training = training
        self.test = test
        self.target = target
        self.taxonomy = taxonomy
    }
}

/// One concept's numbers behind the findings (the JSON's `concepts`).
public struct ConceptHealth: Codable, Sendable, Equatable {
    public var concept: String
    public var positives: Int
    public var negatives: Int
    /// Mean cosine distance of the positives to their centre (centred
    /// embeddings): 0 = all alike; unrelated images are about 1.
    public var spread: Double
    /// Visually distinct groups among the positives, their mean silhouette and sizes.
    public var clusters: Int
    public var silhouette: Double
    public var clusterSizes: [Int]
    /// Mean colour statistics of the positives (their boxes where labelled).
    public var colour: ColourStatistics?
    public var learningCurve: LearningCurve?
    public var labelIssues: Int
    /// Its description in the taxonomy, when there is one.
    public var description: String? = nil
}

public struct HealthReport: Codable, Sendable {
    /// Ranked: severity, then how much of the data is affected.
    public var findings: [Finding]
    public var concepts: [ConceptHealth]
    public var shift: ShiftReport?
    public var trainingImages: Int
    public var testImages: Int
    public var targetImages: Int
    /// The taxonomy the labels were checked against.
    public var taxonomy: TaxonomySummary? = nil
}

/// Runs every check of `focal check` on embedded data (see the README for
/// what each finding means and its thresholds). Deterministic for a seed.
public struct HealthCheck {
    public var outOfFold: OutOfFold
    public var duplicates: Duplicates
    public var seed: UInt64

    public init(seed: UInt64 = 0, outOfFold: OutOfFold? = nil, duplicates: Duplicates = Duplicates()) {
        self.seed = seed
        self.outOfFold = outOfFold ?? OutOfFold(seed: seed)
        self.duplicates = duplicates
    }

    /// `progress(stage)` names each stage as it starts.
    public func run(_ input: HealthInput, progress: ((String) -> Void)? = nil) throws -> HealthReport {
        let training = input.training, labels = training.labels, concepts = training.concepts
        let paths = training.samples.map(\.path)
        var findings: [Finding] = []

        // 1. Quantity, learning curves and label issues (out-of-fold probabilities).
        let counts = concepts.indices.map { c -> (Int, Int) in
            let positive = labels.labelled(concept: c).positive
            return (positive.filter { $0 }.count, positive.filter { !$0 }.count)
        }
        for (c, (p, n)) in counts.enumerated() {
            if let f = Quantity.finding(concept: concepts[c], positives: p, negatives: n) { findings.append(f) }
        }
        let curveColumns = concepts.indices.filter { min(counts[$0].0, counts[$0].1) >= Quantity.minimumPerClass }
        var curves: [String: LearningCurve] = [:], issueCounts: [String: Int] = [:]
        if !curveColumns.isEmpty {
            progress?("cross-validating \(count(curveColumns.count, "concept")) at 25-100% of the data")
            let curveLabels = labels.columns(curveColumns)
            let fold = outOfFold.assignFolds(curveLabels)
            let byQuarter = try (1...4).map { try outOfFold.probabilities(training.features, curveLabels, fold: fold, quarters: $0) }
            progress?("learning curves (bootstrap intervals) and label issues")
            // Concepts are independent: bootstrap intervals and confident learning run on all cores.
            var perConcept = [(curve: LearningCurve?, issues: LabelIssueReport?)](repeating: (nil, nil), count: curveColumns.count)
            perConcept.withUnsafeMutableBufferPointer { buffer in
                DispatchQueue.concurrentPerform(iterations: curveColumns.count) { local in
                    buffer[local] = Self.curveAndIssues(concept: concepts[curveColumns[local]], column: local, labels: curveLabels,
                                                        byQuarter: byQuarter, paths: paths, seed: seed)
                }
            }
            for (curve, issues) in perConcept {
                if let curve {
                    curves[curve.concept] = curve
                    if let f = curve.finding { findings.append(f) }
                }
                if let issues {
                    issueCounts[issues.concept] = issues.issues.count
                    if let f = issues.finding { findings.append(f) }
                }
            }
        }

        // 2. Spread, clusters and colour of each concept's positives; scope against test and target.
        progress?("clustering positives and measuring colour")
        let mean = UnitEmbeddings.mean(of: training.features)
        let unit = UnitEmbeddings(training.features, mean: mean)
        let colours = ColourSampler().statistics(training.samples)
        let others: [(name: String, data: LabelledFeatures, unit: UnitEmbeddings, colours: [ImageColours?])] =
            [("test", input.test), ("target", input.target)].compactMap { name, data in
                guard let data, data.samples.count > 0 else { return nil }
                return (name, data, UnitEmbeddings(data.features, mean: mean), ColourSampler().statistics(data.samples))
            }
        var health: [ConceptHealth] = []
        for (c, concept) in concepts.enumerated() {
            let positiveRows = (0..<training.samples.count).filter { labels[$0, c] == .positive }
            let positives = unit.subset(positiveRows)
            let clustering = Clusters.best(positives, seed: seed)
            let positiveColours = positiveRows.map { colours[$0]?.of(concept) }
            if let f = Composition.finding(concept: concept, clustering: clustering, paths: positiveRows.map { paths[$0] },
                                           colours: positiveColours) { findings.append(f) }
            let trainingColour = ColourStatistics.mean(positiveColours.compactMap { $0 })
            for other in others {
                guard let k = other.data.concepts.firstIndex(of: concept) else { continue }
                let rows = (0..<other.data.samples.count).filter { other.data.labels[$0, k] == .positive }
                guard !rows.isEmpty, let gap = ScopeGap.far(other.unit.subset(rows), from: positives) else { continue }
                let farRows = gap.rows.map { rows[$0.row] }
                let words = ColourStatistics.mean(farRows.compactMap { other.colours[$0]?.of(concept) }).flatMap { far in
                    trainingColour.flatMap { far.difference(from: $0, noun: "the far ones", referenceNoun: "training \(concept) positives") }
                }
                if let f = ScopeGap.finding(concept: concept, setName: other.name, far: gap.rows.map { (other.data.samples[rows[$0.row]].path, $0.similarity) },
                                            positives: rows.count, colourWords: words) { findings.append(f) }
            }
            health.append(ConceptHealth(
                concept: concept, positives: counts[c].0, negatives: counts[c].1, spread: Self.spread(positives),
                clusters: clustering.k, silhouette: clustering.silhouette, clusterSizes: clustering.members.map(\.count),
                colour: trainingColour, learningCurve: curves[concept], labelIssues: issueCounts[concept] ?? 0))
        }

        // 3. Duplicates within the training data, and leakage into the test set.
        progress?("looking for duplicates")
        let hashes = paths.map { training.hashes[$0] }
        if let f = DuplicateFindings.within(duplicates.within(unit, hashes: hashes), paths: paths, conflicting: { a, b in
            Set(training.samples[a].positives) != Set(training.samples[b].positives)
                || Set(training.samples[a].negatives) != Set(training.samples[b].negatives)
        }) { findings.append(f) }
        if let test = others.first(where: { $0.name == "test" }) {
            let testPaths = test.data.samples.map(\.path)
            let pairs = duplicates.between(test.unit, hashes: testPaths.map { test.data.hashes[$0] },
                                           reference: unit, referenceHashes: hashes)
            if let f = DuplicateFindings.leakage(pairs, testPaths: testPaths, trainingPaths: paths,
                                                 testCount: testPaths.count) { findings.append(f) }
        }

        // 4. Representativeness of the training data for the target.
        var shift: ShiftReport?
        if let target = others.first(where: { $0.name == "target" }) {
            progress?("training the domain classifier")
            shift = try ShiftReport.measure(training: training.features, target: target.data.features,
                                            targetPaths: target.data.samples.map(\.path), outOfFold: outOfFold)
            if let shift {
                let rank = Dictionary(uniqueKeysWithValues: target.data.samples.enumerated().map { ($1.path, $0) })
                let least = ColourStatistics.mean(shift.leastLike.compactMap { rank[$0.image].flatMap { target.colours[$0]?.whole } })
                let reference = ColourStatistics.mean(colours.compactMap { $0?.whole })
                let words = least.flatMap { l in reference.flatMap { l.difference(from: $0, noun: "the least-like target images", referenceNoun: "training") } }
                if let f = shift.finding(colourWords: words) { findings.append(f) }
            }
        }
        // 5. Labels against the taxonomy; every concept's description beside its numbers and findings.
        if let taxonomy = input.taxonomy {
            var seen = Set<String>()  // an image in both sets (a --test that overlaps DATA) counts once
            let labelled = (training.samples + (input.test?.samples ?? [])).filter { seen.insert($0.path).inserted }
            findings += TaxonomyFindings.findings(labelled, taxonomy: taxonomy)
            findings = TaxonomyFindings.described(findings, taxonomy: taxonomy)
            for i in health.indices { health[i].description = taxonomy[health[i].concept]?.description }
        }
        return HealthReport(findings: Finding.ranked(findings), concepts: health, shift: shift,
                            trainingImages: training.samples.count, testImages: input.test?.samples.count ?? 0,
                            targetImages: input.target?.samples.count ?? 0, taxonomy: input.taxonomy.map(TaxonomySummary.init))
    }

    /// One concept's learning curve and likely label errors, from out-of-fold
    /// probabilities per quarter of the data (the last is all of it).
    static func curveAndIssues(concept: String, column: Int, labels: LabelMatrix, byQuarter: [[Double]], paths: [String],
                               seed: UInt64) -> (LearningCurve?, LabelIssueReport?) {
        let curve = LearningCurve.measure(concept: concept, column: column, labels: labels, byQuarter: byQuarter, seed: seed)
        let (rows, positive) = labels.labelled(concept: column)
        let p = rows.map { byQuarter[3][$0 * labels.concepts + column] }
        guard p.allSatisfy(\.isFinite) else { return (curve, nil) }
        let flagged = ConfidentLearning.labelIssues(probabilities: p, given: positive)
        let unflagged = Set(0..<rows.count).subtracting(flagged).sorted()
        let issues = LabelIssueReport(
            concept: concept, labelled: rows.count,
            issues: flagged.map { (paths[rows[$0]], positive[$0], ConfidentLearning.selfConfidence(p[$0], positive[$0])) },
            averagePrecisionWithoutIssues: Metrics.averagePrecision(scores: unflagged.map { p[$0] }, actual: unflagged.map { positive[$0] }))
        return (curve, issues)
    }

    /// Mean cosine distance of unit rows to their normalised mean (0 for fewer than 2 rows).
    static func spread(_ x: UnitEmbeddings) -> Double {
        guard x.rows >= 2 else { return 0 }
        let centre = UnitEmbeddings.centres(of: x, assignment: [Int](repeating: 0, count: x.rows), k: 1)
        let s = x.similarities(to: centre)
        return s.reduce(0.0) { $0 + 1 - Double($1) } / Double(x.rows)
    }
}
