import FocalNumerics
import Foundation

/// Whether concepts may co-occur.
public enum HeadMode: String, Codable, Sendable {
    /// One independent logistic score per concept (one-vs-rest); a photo may
    /// show several concepts or none. Each concept has a decision threshold.
    case multiLabel
    /// Exactly one concept per photo: a softmax over the concepts (multinomial);
    /// the prediction is the most probable concept.
    case exclusive
}

/// Free-form facts about where a model came from, filled in by the caller
/// (the `focal train` command): nothing here affects predictions.
public struct Provenance: Codable, Sendable, Equatable {
    /// Which backbone made the features, e.g. "EfficientNet-Lite0".
    public var backbone: String?
    /// SHA-256 of the backbone's weights file, to refuse features from another one.
    public var backboneSHA256: String?
    /// Revision (e.g. git commit) of the code that trained the model.
    public var trainingRevision: String?
    public var notes: [String: String]

    public init(backbone: String? = nil, backboneSHA256: String? = nil, trainingRevision: String? = nil,
                notes: [String: String] = [:]) {
        self.backbone = backbone
        self.backboneSHA256 = backboneSHA256
        self.trainingRevision = trainingRevision
        self.notes = notes
    }
}

/// How the weights were found: enough to judge them and to fit them again.
public struct TrainingRecord: Codable, Sendable, Equatable {
    public var classWeight: ClassWeight
    public var negativePolicy: NegativePolicy
    /// "L-BFGS", with the options and how each problem ended (one per concept
    /// for multi-label models, one for exclusive models).
    public var solver: String
    public var solverOptions: SolverOptions
    public var outcomes: [SolverOutcome]
    /// Training samples (rows) and, per concept, labelled positives and negatives.
    public var samples: Int
    public var positives: [Int]
    public var negatives: [Int]
    /// What the rows were (`focal train --examples`); absent in models trained on whole images before it existed.
    public var examples: ExampleRecord?

    /// Every problem met the solver's tolerance.
    public var converged: Bool { outcomes.allSatisfy(\.converged) }
}

/// What a model's training rows were: whole images, labelled regions cut from
/// them (with `margin` of context), backgrounds left when a concept's boxes
/// are cut away, and how many of each.
public struct ExampleRecord: Codable, Sendable, Equatable {
    /// "images", "regions" or "both".
    public var kind: String
    public var margin: Double?
    public var backgroundNegatives: Bool
    public var images: Int
    public var regions: Int
    public var backgrounds: Int

    public init(kind: String, margin: Double?, backgroundNegatives: Bool, images: Int, regions: Int, backgrounds: Int) {
        self.kind = kind
        self.margin = margin
        self.backgroundNegatives = backgroundNegatives
        self.images = images
        self.regions = regions
        self.backgrounds = backgrounds
    }
}

/// A fitted concept head: everything needed to score new feature vectors, and
/// the record of how it was fitted. `Codable`; `HeadModel.read/write` use JSON.
///
/// Weights apply to standardised features ((x − mean) / scale), which is why the
/// standardisation is part of the model.
public struct HeadModel: Codable, Sendable, Equatable {
    public static let currentFormat = 1
    public var format: Int
    public var mode: HeadMode
    public var concepts: [String]
    public var standardization: Standardization
    /// K rows of D weights, on standardised features.
    public var weights: [[Double]]
    public var intercepts: [Double]
    /// Per concept: predict positive when the probability is ≥ this (multi-label
    /// only; chosen by cross-validation to maximise F1, else 0.5). Empty for exclusive models.
    public var thresholds: [Double]
    /// C per concept (exclusive models: one value, shared).
    public var regularization: [Double]
    public var training: TrainingRecord
    public var crossValidation: CrossValidationReport?
    public var provenance: Provenance

    public var featureCount: Int { standardization.mean.count }

    /// Logits, N×K row-major: x·w + b per concept on standardised features.
    public func decisionFunction(_ x: FeatureMatrix) -> [Double] {
        HeadModel.logits(standardized: standardization.transform(x), weights: weights.flatMap { $0 }, intercepts: intercepts)
    }

    /// The index of the concept called `name`; a concept the model lacks is an
    /// error that lists the ones it has (every command says it the same way).
    public func conceptIndex(named name: String) throws(TrainingError) -> Int {
        guard let c = concepts.firstIndex(of: name) else { throw .unknownConcept(name, known: concepts) }
        return c
    }

    /// Concept `c`'s logit as weights and bias on raw (unstandardised)
    /// features: w/scale and b − Σ w·mean/scale, the same function as
    /// `decisionFunction` without the standardising pass.
    public func logitCoefficients(concept c: Int) -> (weights: [Double], bias: Double) {
        let w = weights[c], m = standardization.mean, s = standardization.scale
        var bias = intercepts[c]
        for j in w.indices { bias -= w[j] * m[j] / s[j] }
        return (w.indices.map { w[$0] / s[$0] }, bias)
    }

    /// x·Wᵀ + b for standardised rows (W: K×D flat): one SGEMM, intercepts added in float64.
    static func logits(standardized xs: FeatureMatrix, weights: [Double], intercepts: [Double]) -> [Double] {
        let k = intercepts.count, d = xs.columns
        precondition(weights.count == k * d, "\(weights.count) weights for \(k) concepts × \(d) features")
        let w = weights.map { Float($0) }
        var z = [Float](repeating: 0, count: xs.rows * k)
        if xs.rows > 0 {
            xs.values.withUnsafeBufferPointer { xp in
                w.withUnsafeBufferPointer { wp in
                    z.withUnsafeMutableBufferPointer { zp in
                        BLAS.gemm(m: xs.rows, n: k, k: d, a: xp.baseAddress!, lda: d, b: wp.baseAddress!, ldb: d,
                                  transposeB: true, c: zp.baseAddress!, ldc: k)
                    }
                }
            }
        }
        return z.indices.map { Double(z[$0]) + intercepts[$0 % k] }
    }

    /// Probabilities from logits (N×K): sigmoids, or softmax rows for exclusive models.
    static func probabilities(logits z: [Double], mode: HeadMode, concepts k: Int) -> [Double] {
        switch mode {
        case .multiLabel: return z.map(LogisticLoss.sigmoid)
        case .exclusive: return softmaxRows(z, width: k)
        }
    }

    /// Probabilities, N×K row-major: a sigmoid per concept (multi-label) or a
    /// softmax over the concepts (exclusive).
    public func predictProbabilities(_ x: FeatureMatrix) -> [Double] {
        HeadModel.probabilities(logits: decisionFunction(x), mode: mode, concepts: concepts.count)
    }

    /// Decisions as labels: multi-label, positive where the probability reaches
    /// the concept's threshold; exclusive, positive for the most probable concept.
    public func predict(_ x: FeatureMatrix) -> LabelMatrix {
        let k = concepts.count
        let p = predictProbabilities(x)
        var out = [ConceptLabel](repeating: .negative, count: p.count)
        for i in 0..<x.rows {
            switch mode {
            case .multiLabel:
                for c in 0..<k where p[i * k + c] >= thresholds[c] { out[i * k + c] = .positive }
            case .exclusive:
                out[i * k + argmax(p[(i * k)..<((i + 1) * k)])] = .positive
            }
        }
        return LabelMatrix(rows: x.rows, concepts: k, values: out)
    }

    /// Accuracy, scikit-learn's `score`: the fraction of samples whose every known
    /// label is predicted right (exact match; for exclusive models, the right concept).
    public func score(_ x: FeatureMatrix, _ labels: LabelMatrix) -> Double {
        Metrics.exactMatchAccuracy(predicted: predict(x), actual: labels)
    }

    public func write(to path: String) throws {
        try validate()
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public static func read(from path: String) throws -> HeadModel {
        let decoder = JSONDecoder()
        // Metrics that were undefined (e.g. AUC of a fold with one class) are NaN.
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw TrainingError.invalidModel("the file cannot be read")
        }
        let model = try decoder.decode(HeadModel.self, from: bytes)
        guard model.format == currentFormat else {
            throw TrainingError.invalidModel("model format \(model.format); this build reads \(currentFormat)")
        }
        try model.validate()
        return model
    }
}

func softmaxRows(_ z: [Double], width k: Int) -> [Double] {
    var out = z
    for start in stride(from: 0, to: z.count, by: k) {
        let m = z[start..<(start + k)].max()!
        var total = 0.0
        for j in start..<(start + k) { out[j] = exp(z[j] - m); total += out[j] }
        for j in start..<(start + k) { out[j] /= total }
    }
    return out
}

func argmax<C: Collection>(_ values: C) -> Int where C.Element == Double, C.Index == Int {
    var best = values.startIndex
    for i in values.indices where values[i] > values[best] { best = i }
    return best - values.startIndex
}
