import Foundation

/// The estimator: L2-regularised logistic regression on backbone features, one
/// score per concept, configured like scikit-learn's `LogisticRegression` and
/// fitted with `fit`, which returns a `HeadModel` to `predict` and `score` with.
///
/// Per concept k (multi-label) the objective is
///     C_k · Σ_i s_ik · logloss_ik + ½‖w_k‖²   (intercept not penalised)
/// over the samples labelled for k, on standardised features, with balanced
/// class weights s by default; exclusive models minimise the multinomial
/// version with one shared C. Larger C means weaker regularisation.
///
///     let model = try LogisticHead().fit(features, labels, concepts: ["cat", "dog"])
///     let p = model.predictProbabilities(newFeatures)
public struct LogisticHead: Sendable {
    public var mode: HeadMode
    /// C. nil: chosen by cross-validation from `cGrid`.
    public var c: Double?
    /// Candidate values of C for cross-validation, ascending.
    public var cGrid: [Double]
    public var classWeight: ClassWeight
    /// Which samples count as negatives (multi-label only).
    public var negatives: NegativePolicy
    public var solver: SolverOptions
    /// Cross-validation chooses C (when `c` is nil), the decision thresholds and
    /// the metrics stored with the model. nil: no cross-validation; `c` must be
    /// set and thresholds are 0.5.
    public var crossValidation: CrossValidationOptions?
    /// Threads for per-concept work outside BLAS; results do not depend on it.
    public var workers: Int

    /// 10⁻⁴ … 10², one value per decade.
    public static let defaultGrid: [Double] = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100]

    public init(mode: HeadMode = .multiLabel, c: Double? = nil, cGrid: [Double] = LogisticHead.defaultGrid,
                classWeight: ClassWeight = .balanced, negatives: NegativePolicy = .labelledOnly,
                solver: SolverOptions = SolverOptions(), crossValidation: CrossValidationOptions? = CrossValidationOptions(),
                workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.mode = mode
        self.c = c
        self.cGrid = cGrid
        self.classWeight = classWeight
        self.negatives = negatives
        self.solver = solver
        self.crossValidation = crossValidation
        self.workers = workers
    }

    /// Fits on features (N×D, raw: standardisation is learned here) and labels
    /// (N×K) for the named concepts. `x` is consumed: when the caller hands
    /// over its only reference (`fit(consume x, …)`), it is standardised in
    /// place, so a fit holds one copy of the matrix, not two. `groups` (one per
    /// row) keeps rows of one group in one cross-validation fold: region
    /// examples cut from one photo; `scored` rows, when given, are what
    /// cross-validation scores (see `ScoredRows`).
    public func fit(_ x: consuming FeatureMatrix, _ labels: LabelMatrix, concepts: [String], groups: [Int]? = nil,
                    scored: ScoredRows? = nil) throws -> HeadModel {
        guard x.rows == labels.rows else { throw TrainingError.shapeMismatch("\(x.rows) feature rows, \(labels.rows) label rows") }
        if let groups, groups.count != x.rows { throw TrainingError.shapeMismatch("\(groups.count) groups for \(x.rows) rows") }
        if scored != nil && groups == nil { throw TrainingError.shapeMismatch("scored rows need the training rows' groups") }
        guard labels.concepts == concepts.count else {
            throw TrainingError.shapeMismatch("labels for \(labels.concepts) concepts, \(concepts.count) names")
        }
        guard x.rows > 0 else { throw TrainingError.shapeMismatch("no training samples") }
        if let bad = x.firstNonFinite() { throw TrainingError.nonFinite(row: bad.row, column: bad.column, value: bad.value) }
        if let c { guard c > 0 else { throw TrainingError.invalidOption("C must be positive, not \(c)") } }
        guard cGrid.allSatisfy({ $0 > 0 }), !cGrid.isEmpty else { throw TrainingError.invalidOption("the C grid must be positive values") }
        let labels = mode == .multiLabel ? labels.applying(negatives) : labels
        let problems = mode == .multiLabel ? concepts.count : 1
        if crossValidation == nil, c == nil { throw TrainingError.invalidOption("without cross-validation, C must be given") }

        let standardization = Standardization(fitting: copy x)  // a reference, not the values
        var xs = consume x
        standardization.standardize(&xs)
        let preconditioner = solver.preconditioned ? Preconditioner(standardized: xs) : nil

        var chosen: [Double]
        var thresholds: [Double] = mode == .multiLabel ? [Double](repeating: 0.5, count: concepts.count) : []
        var report: CrossValidationReport?
        let result: LogisticSolver.Result
        if let options = crossValidation {
            let validation = CrossValidation(head: self, options: options)
            try validation.check(labels, concepts: concepts)
            let grid = c.map { [$0] } ?? cGrid.sorted()
            // The whole data first, along the grid (each C warm-started from the
            // last): the folds start from these fits, and the model is one of them.
            var path: [LogisticSolver.Result] = []
            for value in grid {
                path.append(try solve(xs, labels, concepts: concepts, c: [Double](repeating: value, count: problems),
                                      start: path.last.map { ($0.weights, $0.intercepts) }, preconditioner: preconditioner))
            }
            let cv = try validation.run(xs, standardization: standardization, labels, concepts: concepts, grid: grid,
                                        path: path, preconditioner: preconditioner, groups: groups,
                                        scored: scored.map { ScoredRows(features: $0.features, labels: $0.labels.applying(self.negatives),
                                                                        groups: $0.groups) })
            chosen = cv.c
            if mode == .multiLabel { thresholds = cv.thresholds }
            report = cv.report
            result = Self.select(path, grid: grid, chosen: chosen, features: xs.columns)
        } else {
            chosen = [Double](repeating: c!, count: problems)
            result = try solve(xs, labels, concepts: concepts, c: chosen, preconditioner: preconditioner)
        }

        let (positives, negatives) = classCounts(labels)
        let d = xs.columns
        return HeadModel(
            format: HeadModel.currentFormat, mode: mode, concepts: concepts, standardization: standardization,
            weights: (0..<concepts.count).map { Array(result.weights[($0 * d)..<(($0 + 1) * d)]) },
            intercepts: result.intercepts, thresholds: thresholds, regularization: chosen,
            training: TrainingRecord(classWeight: classWeight, negativePolicy: self.negatives,
                                     solver: LogisticHead.solverName, solverOptions: solver, outcomes: result.outcomes,
                                     samples: xs.rows, positives: positives, negatives: negatives),
            crossValidation: report, provenance: Provenance())
    }

    static let solverName = "L-BFGS (full batch, float32 SGEMM with float64 accumulation, exact line search)"

    /// Each concept's fit at its chosen C, taken from the whole-data fits along
    /// the grid (an exclusive model's one problem: the fit at its one C).
    static func select(_ path: [LogisticSolver.Result], grid: [Double], chosen: [Double], features d: Int) -> LogisticSolver.Result {
        let index = chosen.map { c in grid.firstIndex(of: c)! }
        guard path[0].outcomes.count == path[0].intercepts.count else { return path[index[0]] }  // exclusive
        var out = path[index[0]]
        for (k, g) in index.enumerated() {
            out.weights.replaceSubrange((k * d)..<((k + 1) * d), with: path[g].weights[(k * d)..<((k + 1) * d)])
            out.intercepts[k] = path[g].intercepts[k]
            out.outcomes[k] = path[g].outcomes[k]
        }
        return out
    }

    /// The solver on standardised features with C per problem (K for
    /// multi-label, one for exclusive); `start` warm-starts a path over C, and
    /// a `preconditioner` made once for these features saves its cost per C.
    /// `penalty`, `keepLogits` and `curvature` serve cross-validation's folds (`FoldView`).
    func solve(_ xs: FeatureMatrix, _ labels: LabelMatrix, concepts: [String], c: [Double],
               start: (weights: [Double], intercepts: [Double])? = nil,
               preconditioner: Preconditioner? = nil, penalty: [Double]? = nil,
               keepLogits: Bool = false, curvature: LogisticSolver.Curvature? = nil) throws -> LogisticSolver.Result {
        var problem: LogisticProblem
        switch mode {
        case .multiLabel:
            problem = try .binary(x: xs, labels: labels, names: concepts, classWeight: classWeight, c: c)
        case .exclusive:
            problem = try .multinomial(x: xs, labels: labels, names: concepts, classWeight: classWeight, c: c[0])
        }
        problem.penalty = penalty
        var solverRun = LogisticSolver(problem: problem, options: solver)
        solverRun.workers = workers
        solverRun.keepLogits = keepLogits
        solverRun.startCurvature = curvature
        solverRun.sharedPreconditioner = preconditioner
        var result = solverRun.solve(start: start)
        if mode == .exclusive {
            // Softmax ignores a shift shared by all intercepts and they are not
            // penalised; centring them makes the fitted model unique.
            let mean = result.intercepts.reduce(0, +) / Double(result.intercepts.count)
            result.intercepts = result.intercepts.map { $0 - mean }
        }
        return result
    }

    /// Labelled positives and negatives per concept (exclusive: a row's class
    /// is its positive, every other row with a class a negative).
    func classCounts(_ labels: LabelMatrix) -> ([Int], [Int]) {
        var positives = [Int](repeating: 0, count: labels.concepts), negatives = positives
        for i in 0..<labels.rows {
            if mode == .exclusive {
                guard let c = try? labels.exclusiveClass(row: i) else { continue }
                positives[c] += 1
                for other in 0..<labels.concepts where other != c { negatives[other] += 1 }
                continue
            }
            for c in 0..<labels.concepts {
                switch labels[i, c] {
                case .positive: positives[c] += 1
                case .negative: negatives[c] += 1
                case .unknown: break
                }
            }
        }
        return (positives, negatives)
    }
}
