import FocalTraining

/// Probabilities for every labelled row from a model that never saw it:
/// stratified k-fold cross-validation of the concept head (`LogisticHead`, the
/// model `focal train` fits), with one fixed C so that a whole check costs a
/// few fits rather than a search over C per fold.
///
/// The learning curve, the label-issue search and the domain classifier all
/// read these probabilities.
public struct OutOfFold: Sendable {
    /// Inverse regularisation, on standardised features with balanced weights.
    /// Strong, because confident learning needs probabilities that have not
    /// memorised the wrong labels: on the apples scenes with 5% of `apple`
    /// labels flipped (6 seeds, scikit-learn, same model), the precision of the
    /// flagged images was 0.91 at C = 0.005, 0.86 at 0.02, 0.77 at 0.05 and
    /// 0.63 at 1, recall 0.65-0.78. 0.01 sits between the first two.
    public static let defaultC = 0.01
    public var c: Double
    public var folds: Int
    public var seed: UInt64

    public init(c: Double = OutOfFold.defaultC, folds: Int = 5, seed: UInt64 = 0) {
        self.c = c
        self.folds = folds
        self.seed = seed
    }

    /// The fold (0..<folds) of every row, stratified by concept.
    public func assignFolds(_ labels: LabelMatrix) -> [Int] {
        StratifiedFolds.assign(labels, folds: folds, seed: seed)
    }

    /// N×K out-of-fold probabilities (row-major; NaN where a concept could not
    /// be fitted: fewer than 2 positives or negatives among a fold's training rows).
    /// `quarters` (1...4) trains each fold on that many quarters of its
    /// training rows (a stratified, nested subset), for the learning curve;
    /// held-out rows are always the whole fold.
    public func probabilities(_ x: FeatureMatrix, _ labels: LabelMatrix, fold: [Int], quarters: Int = 4) throws -> [Double] {
        precondition((1...4).contains(quarters))
        let n = x.rows, k = labels.concepts
        var out = [Double](repeating: .nan, count: n * k)
        for f in 0..<folds {
            var train = (0..<n).filter { fold[$0] != f }
            let test = (0..<n).filter { fold[$0] == f }
            guard !test.isEmpty, !train.isEmpty else { continue }
            if quarters < 4 {
                let part = StratifiedFolds.assign(labels.rows(train), folds: 4, seed: seed &+ UInt64(f) &+ 1)
                train = train.indices.filter { part[$0] < quarters }.map { train[$0] }
            }
            let trainLabels = labels.rows(train)
            let fitted = (0..<k).filter { c in
                var positives = 0, negatives = 0
                for i in 0..<trainLabels.rows {
                    switch trainLabels[i, c] {
                    case .positive: positives += 1
                    case .negative: negatives += 1
                    case .unknown: break
                    }
                }
                return positives >= 2 && negatives >= 2
            }
            guard !fitted.isEmpty else { continue }
            let head = LogisticHead(c: c, solver: SolverOptions(gradientTolerance: 1e-4, objectiveTolerance: 1e-6, preconditioned: false,
                                                                       stopping: .tolerances),
                                    crossValidation: nil)
            let model = try head.fit(x.rows(train), trainLabels.columns(fitted),
                                     concepts: fitted.map { "concept \($0)" })
            let p = model.predictProbabilities(x.rows(test))
            for (t, i) in test.enumerated() {
                for (local, c) in fitted.enumerated() { out[i * k + c] = p[t * fitted.count + local] }
            }
        }
        return out
    }
}

extension LabelMatrix {
    /// Only the given concept columns, in that order.
    func columns(_ indices: [Int]) -> LabelMatrix {
        var values = [ConceptLabel]()
        values.reserveCapacity(rows * indices.count)
        for i in 0..<rows { for c in indices { values.append(self[i, c]) } }
        return LabelMatrix(rows: rows, concepts: indices.count, values: values)
    }

    /// The rows labelled for concept `c`, and whether each is positive.
    func labelled(concept c: Int) -> (rows: [Int], positive: [Bool]) {
        var rows: [Int] = [], positive: [Bool] = []
        for i in 0..<self.rows where self[i, c] != .unknown {
            rows.append(i)
            positive.append(self[i, c] == .positive)
        }
        return (rows, positive)
    }
}
