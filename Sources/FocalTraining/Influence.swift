import FocalNumerics
import Foundation

/// Which training samples raised a score, and by how much: influence functions
/// (Koh & Liang, ICML 2017) for a fitted one-vs-rest logistic head.
///
/// For concept k the head minimises J(θ) = C·Σᵢ sᵢ·logloss(yᵢ, x̃ᵢ·θ) + ½‖w‖²
/// with x̃ᵢ = [standardised xᵢ, 1] and θ = [w, b]. Leaving sample i out moves the
/// optimum by about H⁻¹gᵢ, where H = C·Σ sⱼpⱼ(1−pⱼ)x̃ⱼx̃ⱼᵀ + diag(1…1, 0) is the
/// Hessian of J (only (D+1)×(D+1), so it is formed and solved exactly with
/// LAPACK) and gᵢ = C·sᵢ·(pᵢ − yᵢ)·x̃ᵢ the sample's gradient. The target's logit
/// x̃ₜ·θ therefore changes by x̃ₜᵀH⁻¹gᵢ; the sample's *influence* is minus that,
/// what its presence adds to the target's logit. One solve serves every sample.
///
/// Under balanced class weights, leaving a sample out also changes both classes'
/// weights (n/(2·n_class)); that change enters the same first-order step.
public struct Influence: Sendable {
    /// Per training row, how much it raised the mean logit of the targets (0 for
    /// rows not labelled for the concept).
    public var values: [Double]
    /// The targets' mean logit under the fitted model.
    public var targetLogit: Double

    /// - Parameters:
    ///   - model: a multi-label head fitted on `training` (raw features, as given to `fit`).
    ///   - labels: the labels it was fitted on, before the negative policy.
    ///   - targets: raw feature rows whose mean logit is explained.
    public init(model: HeadModel, concept k: Int, training x: FeatureMatrix, labels: LabelMatrix,
                targets: FeatureMatrix) throws {
        guard model.mode == .multiLabel else {
            throw TrainingError.invalidOption("influence is computed for multi-label (one-vs-rest) heads")
        }
        guard x.rows == labels.rows, x.columns == model.featureCount, targets.columns == model.featureCount,
              targets.rows > 0 else {
            throw TrainingError.shapeMismatch("\(x.rows)×\(x.columns) training rows, \(labels.rows) label rows, \(targets.rows)×\(targets.columns) targets for a \(model.featureCount)-feature model")
        }
        let labels = labels.applying(model.training.negativePolicy)
        let d = x.columns, n = x.rows, width = d + 1
        let c = model.regularization[k]
        let w = model.weights[k], b = model.intercepts[k]
        let weights = Self.sampleWeights(labels, concept: k, classWeight: model.training.classWeight)

        // Standardised rows with the constant 1 appended, their probabilities, and
        // the rows scaled by √(C·s·p(1−p)) whose Gram matrix is the data Hessian.
        let standardized = model.standardization.transform(x)
        var augmented = [Double](repeating: 0, count: n * width)
        var scaled = [Double](repeating: 0, count: n * width)
        var residual = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var z = b
            for j in 0..<d {
                let v = Double(standardized.values[i * d + j])
                augmented[i * width + j] = v
                z += v * w[j]
            }
            augmented[i * width + d] = 1
            let p = 1 / (1 + exp(-z))
            let target: Double = labels[i, k] == .positive ? 1 : 0
            residual[i] = c * weights[i] * (target - p)
            let root = (c * weights[i] * p * (1 - p)).squareRoot()
            for j in 0..<width { scaled[i * width + j] = root * augmented[i * width + j] }
        }
        var hessian = BLAS.gram(scaled, rows: n, columns: width)
        for j in 0..<d { hessian[j * width + j] += 1 }

        // The mean target row, and v = H⁻¹·x̄ₜ.
        let standardizedTargets = model.standardization.transform(targets)
        var v = [Double](repeating: 0, count: width)
        for t in 0..<targets.rows {
            for j in 0..<d { v[j] += Double(standardizedTargets.values[t * d + j]) }
        }
        for j in 0..<d { v[j] /= Double(targets.rows) }
        v[d] = 1
        var logit = b
        for j in 0..<d { logit += v[j] * w[j] }
        targetLogit = logit
        guard BLAS.solvePositiveDefinite(&hessian, &v, n: width, rightHandSides: 1) == 0 else {
            throw TrainingError.invalidOption("the head's Hessian is not positive definite")
        }
        // vᵀ·(change in the data gradient at θ̂ when row i leaves) for every row.
        // Under balanced weights the leaving row also reweighs both classes.
        let dots = (0..<n).map { i -> Double in
            var dot = 0.0
            for j in 0..<width { dot += augmented[i * width + j] * v[j] }
            return dot
        }
        var classSums = [0.0, 0.0]  // Σ C·(yⱼ − pⱼ)·vᵀx̃ⱼ over negatives, positives
        for i in 0..<n where weights[i] > 0 {
            classSums[labels[i, k] == .positive ? 1 : 0] += residual[i] / weights[i] * dots[i]
        }
        let counts = [weights.indices.filter { weights[$0] > 0 && labels[$0, k] != .positive }.count,
                      weights.indices.filter { weights[$0] > 0 && labels[$0, k] == .positive }.count]
        let balanced = model.training.classWeight == .balanced
        values = (0..<n).map { i in
            guard weights[i] > 0 else { return 0 }
            let own = residual[i] / weights[i] * dots[i]
            guard balanced else { return weights[i] * own }
            let cls = labels[i, k] == .positive ? 1 : 0, other = 1 - cls
            let labelled = Double(counts[0] + counts[1])
            guard counts[cls] > 1, counts[other] > 0 else { return weights[i] * own }
            let before = (labelled / (2 * Double(counts[cls])), labelled / (2 * Double(counts[other])))
            let after = ((labelled - 1) / (2 * Double(counts[cls] - 1)), (labelled - 1) / (2 * Double(counts[other])))
            // Influence = vᵀδ with δ the data-gradient change (gradients are C·s·(p − y)·x̃).
            return after.0 * own - (after.0 - before.0) * classSums[cls] - (after.1 - before.1) * classSums[other]
        }
    }

    /// sᵢ for concept k as `LogisticProblem.binary` sets them (0 for unlabelled rows).
    static func sampleWeights(_ labels: LabelMatrix, concept k: Int, classWeight: ClassWeight) -> [Double] {
        var positives = 0, negatives = 0
        for i in 0..<labels.rows {
            if labels[i, k] == .positive { positives += 1 } else if labels[i, k] == .negative { negatives += 1 }
        }
        let labelled = Double(positives + negatives)
        let (wp, wn) = classWeight == .balanced && positives > 0 && negatives > 0
            ? (labelled / (2 * Double(positives)), labelled / (2 * Double(negatives))) : (1.0, 1.0)
        return (0..<labels.rows).map { i in
            switch labels[i, k] {
            case .positive: return wp
            case .negative: return wn
            case .unknown: return 0
            }
        }
    }
}
