// focal-benchmark fit: Focal's side of Benchmarks/training_vs_sklearn.py.
//
//   focal-benchmark fit --features X.npy --labels Y.bin --k 10 [--c 1.0] [--tolerance 1e-6]
//                       [--objective-tolerance 1e-10] [--exclusive] [--threads 2] [--repeat 1]
//                       [--weights-out W.bin] [--cv FOLDS]
//
// With --cv, C is chosen from the default grid by cross-validation (and --c is ignored).
//
// X.npy: float32 N×D, C order. Y.bin: int8 N×K (1 positive, 0 negative, −1 unknown).
// Times `LogisticHead.fit` (standardisation included, file reading excluded) and
// prints one JSON object; --weights-out writes the fitted model as float64
// (weights K×D, intercepts K, mean D, scale D) for the script to evaluate.
import FocalNumerics
import FocalTraining
import Foundation

/// A float32 C-order matrix from a .npy file (format 1.0 or 2.0).
func readNumPyFloat32(_ path: String) throws -> FeatureMatrix {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    guard bytes.count > 10, bytes[0] == 0x93 else { throw TrainingError.invalidOption("\(path) is not a .npy file") }
    let major = bytes[6]
    let start = major == 1 ? 10 : 12
    let length = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8
        : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
    let header = String(decoding: bytes[start..<(start + length)], as: UTF8.self)
    guard header.contains("<f4"), header.contains("'fortran_order': False"),
          let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
        throw TrainingError.invalidOption("\(path): only float32 C-order matrices")
    }
    let dims = header[open.upperBound..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    let body = start + length
    let values = bytes[body...].withUnsafeBytes { raw in
        (0..<(dims[0] * dims[1])).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
    }
    return FeatureMatrix(rows: dims[0], columns: dims[1], values: values)
}

func trainingBenchmark() throws {
    let features = try readNumPyFloat32(argument("--features", default: ""))
    let k = Int(argument("--k", default: "1"))!
    let raw = [UInt8](try Data(contentsOf: URL(fileURLWithPath: argument("--labels", default: ""))))
    guard raw.count == features.rows * k else { throw TrainingError.shapeMismatch("labels for \(raw.count / max(k, 1)) rows") }
    let labels = LabelMatrix(rows: features.rows, concepts: k, values: raw.map { ConceptLabel(rawValue: Int8(bitPattern: $0))! })
    let c = Double(argument("--c", default: "1"))!
    let defaults = SolverOptions()
    let tolerance = Double(argument("--tolerance", default: "\(defaults.gradientTolerance)"))!
    let objectiveTolerance = Double(argument("--objective-tolerance", default: "\(defaults.objectiveTolerance)"))!
    let threads = Int(argument("--threads", default: "2"))!
    let repeats = Int(argument("--repeat", default: "1"))!
    BLAS.threads = threads
    let folds = Int(argument("--cv", default: "0"))!
    let head = LogisticHead(mode: CommandLine.arguments.contains("--exclusive") ? .exclusive : .multiLabel,
                            c: folds > 0 ? nil : c,
                            solver: SolverOptions(gradientTolerance: tolerance, objectiveTolerance: objectiveTolerance,
                                                  stopping: .tolerances),
                            crossValidation: folds > 0 ? CrossValidationOptions(folds: folds) : nil, workers: threads)
    let concepts = (0..<k).map { "concept\($0)" }
    var times: [Double] = []
    var model: HeadModel!
    for _ in 0..<repeats {
        let t0 = now()
        model = try head.fit(features, labels, concepts: concepts)
        times.append(now() - t0)
    }
    if let path = CommandLine.arguments.firstIndex(of: "--weights-out").map({ CommandLine.arguments[$0 + 1] }) {
        let values = model.weights.flatMap { $0 } + model.intercepts + model.standardization.mean + model.standardization.scale
        try values.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: path))
    }
    let outcomes = model.training.outcomes
    emit(["mode": "fit", "rows": features.rows, "columns": features.columns, "concepts": k, "c": c,
          "threads": threads, "tolerance": tolerance, "objective_tolerance": objectiveTolerance, "seconds": times.min()!, "all_seconds": times,
          "iterations": outcomes.map(\.iterations), "converged": outcomes.map(\.converged),
          "objective": outcomes.map(\.objective), "scaled_gradient": outcomes.map(\.scaledGradient),
          "chosen_c": model.regularization, "thresholds": model.thresholds,
          "cv_average_precision": model.crossValidation?.concepts.map(\.averagePrecision) ?? []])
}
