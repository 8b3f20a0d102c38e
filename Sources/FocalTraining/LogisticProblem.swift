/// One fitting task for `LogisticSolver`: standardised features, targets,
/// sample weights and C, in the layout the solver's GEMMs want.
///
/// One-vs-rest (`binary`): K independent problems, one per concept,
///     minimise  C_k · Σ_i s_ik · logloss(y_ik, x_i·w_k + b_k) + ½‖w_k‖²
/// over the samples labelled for concept k (s_ik = 0 for the others).
/// Exclusive (`multinomial`): one problem over all K concepts,
///     minimise  C · Σ_i s_i · −log softmax(x_i·Wᵀ + b)[y_i] + ½‖W‖²_F
/// over the samples with a positive concept. Intercepts are never penalised.
/// These are scikit-learn's objectives times C·Σs (its lbfgs minimises the mean).
struct LogisticProblem {
    enum Kind { case binary, multinomial }
    let kind: Kind
    /// Standardised features, N×D.
    let x: FeatureMatrix
    /// K: concepts, i.e. output columns.
    let outputs: Int
    /// Binary: K×N, concept-major, 1 for positive, 0 otherwise.
    let targets: [Double]
    /// Multinomial: the class of each row, −1 when the row is left out.
    let classes: [Int32]
    /// Binary: K×N sample weights s_ik (0 = not used); multinomial: N weights s_i.
    let sampleWeights: [Double]
    /// C per problem: K for binary, one for multinomial.
    let c: [Double]
    /// π_j: the penalty is ½·Σ_j π_j·w_j² per output column; nil means
    /// π = 1, the usual ½‖w‖². Cross-validation uses it to fit a fold on the
    /// whole data's standardised features as if on the fold's own (see `FoldView`).
    var penalty: [Double]? = nil

    var rows: Int { x.rows }
    var features: Int { x.columns }
    var problemCount: Int { kind == .binary ? outputs : 1 }

    /// The output columns problem `p` owns.
    func columns(of p: Int) -> Range<Int> { kind == .binary ? p..<(p + 1) : 0..<outputs }

    /// Σ_i s_i of problem `p`: the scale that turns the objective's gradient
    /// into scikit-learn's (whose objective is divided by C·Σs).
    func weightSum(of p: Int) -> Double {
        switch kind {
        case .binary: return sampleWeights[(p * rows)..<((p + 1) * rows)].reduce(0, +)
        case .multinomial: return sampleWeights.reduce(0, +)
        }
    }

    /// One-vs-rest problems from labels (after the negative policy). Every concept
    /// needs at least `minimumPerClass` positives and negatives.
    static func binary(x: FeatureMatrix, labels: LabelMatrix, names: [String], classWeight: ClassWeight,
                       c: [Double], minimumPerClass: Int = 1) throws -> LogisticProblem {
        guard labels.rows == x.rows else {
            throw TrainingError.shapeMismatch("\(x.rows) feature rows, \(labels.rows) label rows")
        }
        let n = x.rows, k = labels.concepts
        var targets = [Double](repeating: 0, count: k * n)
        var weights = [Double](repeating: 0, count: k * n)
        for j in 0..<k {
            var positives = 0, negatives = 0
            for i in 0..<n {
                switch labels[i, j] {
                case .positive: positives += 1
                case .negative: negatives += 1
                case .unknown: break
                }
            }
            guard positives >= minimumPerClass, negatives >= minimumPerClass else {
                throw TrainingError.tooFewExamples(concept: names[j], positives: positives,
                                                   negatives: negatives, needed: minimumPerClass)
            }
            let labelled = Double(positives + negatives)
            let (wp, wn): (Double, Double) = classWeight == .balanced
                ? (labelled / (2 * Double(positives)), labelled / (2 * Double(negatives))) : (1, 1)
            for i in 0..<n {
                switch labels[i, j] {
                case .positive: targets[j * n + i] = 1; weights[j * n + i] = wp
                case .negative: weights[j * n + i] = wn
                case .unknown: break
                }
            }
        }
        return LogisticProblem(kind: .binary, x: x, outputs: k, targets: targets, classes: [],
                               sampleWeights: weights, c: c)
    }

    /// The multinomial problem: rows without a positive concept are left out.
    static func multinomial(x: FeatureMatrix, labels: LabelMatrix, names: [String], classWeight: ClassWeight,
                            c: Double, minimumPerClass: Int = 1) throws -> LogisticProblem {
        guard labels.rows == x.rows else {
            throw TrainingError.shapeMismatch("\(x.rows) feature rows, \(labels.rows) label rows")
        }
        let n = x.rows, k = labels.concepts
        guard k >= 2 else { throw TrainingError.invalidOption("an exclusive model needs at least two concepts") }
        var classes = [Int32](repeating: -1, count: n)
        var counts = [Int](repeating: 0, count: k)
        for i in 0..<n {
            if let c = try labels.exclusiveClass(row: i) {
                classes[i] = Int32(c)
                counts[c] += 1
            }
        }
        let labelled = counts.reduce(0, +)
        for j in 0..<k where counts[j] < minimumPerClass {
            throw TrainingError.tooFewExamples(concept: names[j], positives: counts[j],
                                               negatives: labelled - counts[j], needed: minimumPerClass)
        }
        let classWeights = counts.map { classWeight == .balanced ? Double(labelled) / (Double(k) * Double($0)) : 1 }
        let weights = classes.map { $0 < 0 ? 0 : classWeights[Int($0)] }
        return LogisticProblem(kind: .multinomial, x: x, outputs: k, targets: [], classes: classes,
                               sampleWeights: weights, c: [c])
    }
}
