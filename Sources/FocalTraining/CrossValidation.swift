import Foundation

/// What cross-validation maximises when it picks C.
public enum SelectionCriterion: String, Codable, Sendable {
    /// Average precision on each held-out fold (exclusive models: its mean over concepts).
    case averagePrecision
    /// Minus the log loss on each held-out fold (binary per concept; multinomial for exclusive models).
    case logLoss
}

public struct CrossValidationOptions: Codable, Sendable, Equatable {
    public var folds: Int
    /// Seeds the fold assignment: the same seed gives the same folds, C and thresholds.
    public var seed: UInt64
    public var criterion: SelectionCriterion
    /// Multi-label models: choose C for each concept on its own (the concepts are
    /// independent problems), or one C that is best on average. Exclusive models
    /// always share one C.
    public var perConcept: Bool
    /// For the fits on folds. By default the statistical stopping rule, like
    /// the final fit's: held-out rankings and log losses cannot resolve the
    /// objective more finely than its noise either.
    public var solver: SolverOptions

    public init(folds: Int = 5, seed: UInt64 = 0, criterion: SelectionCriterion = .averagePrecision, perConcept: Bool = true,
                solver: SolverOptions = SolverOptions()) {
        self.folds = folds
        self.seed = seed
        self.criterion = criterion
        self.perConcept = perConcept
        self.solver = solver
    }
}

/// Out-of-fold metrics of one concept at its chosen C: every sample scored by
/// the model that did not see it, pooled over the folds.
public struct ConceptValidation: Codable, Sendable, Equatable {
    public var concept: String
    public var c: Double
    /// The F1-maximising threshold (multi-label); nil for exclusive models, which decide by argmax.
    public var threshold: Double?
    public var averagePrecision: Double
    public var rocAUC: Double
    /// Of the decisions at the threshold (exclusive: of "predicted this concept").
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var logLoss: Double
    /// 10-bin expected calibration error of P(concept) against the labels.
    public var calibrationError: Double
    public var positives: Int
    public var negatives: Int
}

/// Out-of-fold metrics of an exclusive model as a whole.
public struct ExclusiveValidation: Codable, Sendable, Equatable {
    public var accuracy: Double
    public var macroAveragePrecision: Double
    public var logLoss: Double
    /// Top-label ECE, 10 bins.
    public var calibrationError: Double
    /// [actual][predicted].
    public var confusionMatrix: [[Int]]
}

public struct CrossValidationReport: Codable, Sendable, Equatable {
    public var options: CrossValidationOptions
    public var grid: [Double]
    /// The criterion (AP, or log loss) averaged over held-out folds, per C in
    /// `grid` (rows) and concept (columns; one column for exclusive models).
    public var criterionByC: [[Double]]
    public var concepts: [ConceptValidation]
    public var exclusive: ExclusiveValidation?
}

/// Rows that cross-validation scores instead of the training rows: the whole
/// photos of a model trained on crops of them. Such a model is used on whole
/// photos, so its C and thresholds are chosen on how it does there. Each
/// row's group is the photo, and it is scored in the fold its crops are in.
public struct ScoredRows: Sendable {
    public var features: FeatureMatrix
    public var labels: LabelMatrix
    public var groups: [Int]

    public init(features: FeatureMatrix, labels: LabelMatrix, groups: [Int]) {
        precondition(features.rows == labels.rows && labels.rows == groups.count, "one label row and group per feature row")
        self.features = features
        self.labels = labels
        self.groups = groups
    }
}

/// Stratified k-fold cross-validation of a `LogisticHead` over a grid of C.
///
/// Each fold is fitted as if on its own training rows standardised by
/// themselves (nothing about held-out rows leaks into training), but as a
/// view of the whole data (`FoldView`): no copy of the matrix per fold. Every
/// fold's fit at a C starts from the whole data's fit at that C (which the
/// caller has made first, and which is most of the way to the fold's optimum:
/// the fold shares 80% of its rows), weights and L-BFGS memory both, and
/// scores its held-out rows. C is
/// the grid value with the best mean criterion over folds (ties: the smaller,
/// more regularised C). Thresholds and the reported metrics use the pooled
/// out-of-fold probabilities at the chosen C.
struct CrossValidation {
    let head: LogisticHead
    let options: CrossValidationOptions

    struct Result {
        var c: [Double]
        var thresholds: [Double]
        var report: CrossValidationReport
    }

    /// Refuses labels that some fold would leave without a positive or negative.
    func check(_ labels: LabelMatrix, concepts: [String]) throws {
        let folds = options.folds
        guard folds >= 2 else { throw TrainingError.invalidOption("cross-validation needs at least 2 folds") }
        let (positives, negatives) = head.classCounts(labels)
        for c in 0..<labels.concepts where positives[c] < folds || negatives[c] < folds {
            throw TrainingError.tooFewExamples(concept: concepts[c], positives: positives[c], negatives: negatives[c], needed: folds)
        }
    }

    /// `xs`: the whole data standardised by `standardization`; `path[g]`: the
    /// whole data's fit at `grid[g]`.
    /// `groups` keeps rows of one group in one fold; `scored` rows (multi-label
    /// only), when given, are what each fold scores, criterion and thresholds included.
    func run(_ xs: FeatureMatrix, standardization: Standardization, _ trainingLabels: LabelMatrix, concepts: [String],
             grid: [Double], path: [LogisticSolver.Result], preconditioner: Preconditioner?,
             groups: [Int]? = nil, scored: ScoredRows? = nil) throws -> Result {
        var head = self.head
        head.solver = options.solver
        let rows = xs.rows, k = trainingLabels.concepts, folds = options.folds
        let exclusive = head.mode == .exclusive
        try check(trainingLabels, concepts: concepts)
        let (positives, negatives) = head.classCounts(trainingLabels)
        let fold = StratifiedFolds.assign(trainingLabels, folds: folds, seed: options.seed, groups: groups)
        let views = FoldView.all(standardized: xs, standardization: standardization, labels: trainingLabels, fold: fold, folds: folds)
        let columns = exclusive ? 1 : k
        // What each fold scores: its held-out training rows, or the scored rows
        // of its groups (standardised as the whole data is: the fold's weights
        // apply to xs units, see `FoldView`).
        let scored = exclusive ? nil : scored
        var scoredFold: [Int] = []
        if let scored {
            var foldOfGroup: [Int: Int] = [:]
            if let groups { for (i, g) in groups.enumerated() { foldOfGroup[g] = fold[i] } }
            scoredFold = scored.groups.map { foldOfGroup[$0] ?? (($0 % folds) + folds) % folds }
        }
        let scoredXs = scored.map { standardization.transform($0.features) }
        let labels = scored?.labels ?? trainingLabels
        let n = scored?.features.rows ?? rows
        let classes = exclusive ? try (0..<n).map { try labels.exclusiveClass(row: $0) } : []

        var outOfFold = [[Double]](repeating: [Double](repeating: .nan, count: n * k), count: grid.count)
        // criterion[g][column][fold]
        var perFold = [[[Double]]](repeating: [[Double]](repeating: [], count: columns), count: grid.count)
        for (f, view) in views.enumerated() {
            let test = scored == nil ? view.heldOut : (0..<n).filter { scoredFold[$0] == f }
            let scoredTest = scoredXs.map { $0.rows(test) }
            for (g, c) in grid.enumerated() {
                let cs = [Double](repeating: c, count: exclusive ? 1 : k)
                let fit = try head.solve(xs, view.labels, concepts: concepts, c: cs,
                                         start: (path[g].weights, path[g].intercepts), preconditioner: preconditioner,
                                         penalty: view.penalty, keepLogits: true, curvature: path[g].curvature)
                var logits = [Double](repeating: 0, count: test.count * k)
                if let scoredTest {
                    logits = HeadModel.logits(standardized: scoredTest, weights: fit.weights, intercepts: fit.intercepts)
                } else {
                    for (t, i) in test.enumerated() { for c in 0..<k { logits[t * k + c] = fit.logits[c * rows + i] } }
                }
                let p = HeadModel.probabilities(logits: logits, mode: head.mode, concepts: k)
                for (t, i) in test.enumerated() { for c in 0..<k { outOfFold[g][i * k + c] = p[t * k + c] } }
                for column in 0..<columns {
                    let value = exclusive
                        ? exclusiveCriterion(p, classes: test.map { classes[$0] }, k: k)
                        : conceptCriterion(p, labels: test.map { labels[$0, column] }, column: column, k: k)
                    perFold[g][column].append(value)
                }
            }
        }

        // Mean over folds; pick the best C per concept or shared.
        let means = perFold.map { $0.map(meanOfFinite) }
        let higherIsBetter = options.criterion == .averagePrecision
        func better(_ a: Double, _ b: Double) -> Bool { a.isFinite && (!b.isFinite || (higherIsBetter ? a > b : a < b)) }
        func bestIndex(_ values: [Double]) -> Int {
            var best = 0
            for g in values.indices.dropFirst() where better(values[g], values[best]) { best = g }
            return best
        }
        let chosenIndex: [Int]
        if exclusive || !options.perConcept {
            let g = bestIndex(means.map(meanOfFinite))
            chosenIndex = [Int](repeating: g, count: columns)
        } else {
            chosenIndex = (0..<k).map { c in bestIndex(means.map { $0[c] }) }
        }

        var report = CrossValidationReport(options: options, grid: grid, criterionByC: means, concepts: [], exclusive: nil)
        var thresholds: [Double] = []
        for c in 0..<k {
            let g = chosenIndex[exclusive ? 0 : c]
            let known = (0..<n).filter { labels[$0, c] != .unknown && (!exclusive || classes[$0] != nil) }
            let scores = known.map { outOfFold[g][$0 * k + c] }
            let actual = known.map { labels[$0, c] == .positive }
            var threshold: Double?
            let decisions: [Bool]
            if exclusive {
                decisions = known.map { i in argmax(outOfFold[g][(i * k)..<((i + 1) * k)]) == c }
            } else {
                let best = Metrics.bestF1Threshold(scores: scores, actual: actual)
                threshold = best.threshold
                thresholds.append(best.threshold)
                decisions = scores.map { $0 >= best.threshold }
            }
            let counts = Metrics.Counts(predicted: decisions, actual: actual)
            report.concepts.append(ConceptValidation(
                concept: concepts[c], c: grid[g], threshold: threshold,
                averagePrecision: Metrics.averagePrecision(scores: scores, actual: actual),
                rocAUC: Metrics.rocAUC(scores: scores, actual: actual),
                precision: counts.precision, recall: counts.recall, f1: counts.f1,
                logLoss: Metrics.logLoss(probabilities: scores, actual: actual),
                calibrationError: Metrics.expectedCalibrationError(confidences: scores, outcomes: actual),
                positives: positives[c], negatives: negatives[c]))
        }
        if exclusive {
            report.exclusive = exclusiveSummary(outOfFold[chosenIndex[0]], classes: classes, k: k)
        }
        let chosenC = exclusive ? [grid[chosenIndex[0]]] : chosenIndex.map { grid[$0] }
        return Result(c: chosenC, thresholds: thresholds, report: report)
    }

    /// One concept's criterion on one held-out fold (its known rows only).
    func conceptCriterion(_ p: [Double], labels: [ConceptLabel], column: Int, k: Int) -> Double {
        let rows = labels.indices.filter { labels[$0] != .unknown }
        let scores = rows.map { p[$0 * k + column] }, actual = rows.map { labels[$0] == .positive }
        switch options.criterion {
        case .averagePrecision: return Metrics.averagePrecision(scores: scores, actual: actual)
        case .logLoss: return Metrics.logLoss(probabilities: scores, actual: actual)
        }
    }

    /// An exclusive model's criterion on one held-out fold (rows with a class).
    func exclusiveCriterion(_ p: [Double], classes: [Int?], k: Int) -> Double {
        let rows = classes.indices.filter { classes[$0] != nil }
        switch options.criterion {
        case .averagePrecision:
            return meanOfFinite((0..<k).map { c in
                Metrics.averagePrecision(scores: rows.map { p[$0 * k + c] }, actual: rows.map { classes[$0] == c })
            })
        case .logLoss:
            return multinomialLogLoss(p, classes: classes, rows: rows, k: k)
        }
    }

    func exclusiveSummary(_ p: [Double], classes: [Int?], k: Int) -> ExclusiveValidation {
        let rows = classes.indices.filter { classes[$0] != nil }
        let predicted = rows.map { argmax(p[($0 * k)..<(($0 + 1) * k)]) }, actual = rows.map { classes[$0]! }
        let correct = zip(predicted, actual).map { $0 == $1 }
        let confidence = rows.map { p[($0 * k)..<(($0 + 1) * k)].max()! }
        return ExclusiveValidation(
            accuracy: Double(correct.filter { $0 }.count) / Double(max(rows.count, 1)),
            macroAveragePrecision: meanOfFinite((0..<k).map { c in
                Metrics.averagePrecision(scores: rows.map { p[$0 * k + c] }, actual: rows.map { classes[$0] == c })
            }),
            logLoss: multinomialLogLoss(p, classes: classes, rows: rows, k: k),
            calibrationError: Metrics.expectedCalibrationError(confidences: confidence, outcomes: correct),
            confusionMatrix: Metrics.confusionMatrix(predicted: predicted, actual: actual, classes: k))
    }

    func multinomialLogLoss(_ p: [Double], classes: [Int?], rows: [Int], k: Int) -> Double {
        guard !rows.isEmpty else { return .nan }
        return rows.reduce(0) { $0 - log(min(max(p[$1 * k + classes[$1]!], 1e-15), 1)) } / Double(rows.count)
    }
}

func meanOfFinite(_ values: [Double]) -> Double {
    let finite = values.filter(\.isFinite)
    return finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
}
