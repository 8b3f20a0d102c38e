import Foundation
import XCTest
@testable import FocalTraining

/// The JSON files make_reference.py writes (scikit-learn's fits and metric values).
enum Fixture {
    static func json(_ name: String) throws -> [String: Any] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
                                "run Fixtures/make_reference.py")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }
}

/// One reference data set: raw float32 features and labels.
struct ReferenceData {
    let features: FeatureMatrix
    let labels: LabelMatrix
    let concepts: [String]
    let case_: [String: Any]

    init(_ c: [String: Any]) {
        let rows = c["rows"] as! Int, columns = c["columns"] as! Int, k = c["concepts"] as! Int
        features = FeatureMatrix(rows: rows, columns: columns, values: (c["features"] as! [Double]).map { Float($0) })
        if let classes = c["classes"] as? [Int] {
            labels = LabelMatrix(classes: classes.map { $0 < 0 ? nil : $0 }, concepts: k)
        } else {
            labels = LabelMatrix(rows: rows, concepts: k, values: (c["labels"] as! [Int]).map { ConceptLabel(rawValue: Int8($0))! })
        }
        concepts = (0..<k).map { "concept\($0)" }
        case_ = c
    }

    /// Features standardised in float64, as the reference script does.
    var standardized: [[Double]] {
        let s = Standardization(fitting: features)
        return (0..<features.rows).map { i in
            (0..<features.columns).map { j in (Double(features.values[i * features.columns + j]) - s.mean[j]) / s.scale[j] }
        }
    }
}

/// Focal's objectives evaluated independently of the solver, in float64.
enum ReferenceObjective {
    static func balancedWeights(_ y: [Int]) -> [Double] {
        let classes = Set(y)
        var counts: [Int: Int] = [:]
        for v in y { counts[v, default: 0] += 1 }
        return y.map { Double(y.count) / (Double(classes.count) * Double(counts[$0]!)) }
    }

    /// C·Σ s·logloss + ½‖w‖² over the rows labelled for one concept.
    static func binary(xs: [[Double]], labels: [ConceptLabel], w: [Double], b: Double, c: Double) -> Double {
        let rows = labels.indices.filter { labels[$0] != .unknown }
        let y = rows.map { labels[$0] == .positive ? 1 : 0 }
        let s = balancedWeights(y)
        var total = 0.0
        for (r, i) in rows.enumerated() {
            let z = zip(xs[i], w).reduce(b) { $0 + $1.0 * $1.1 }
            let softplus = z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
            total += s[r] * (softplus - Double(y[r]) * z)
        }
        return c * total + 0.5 * w.reduce(0) { $0 + $1 * $1 }
    }

    /// C·Σ s·(−log softmax) + ½‖W‖² over rows with a class.
    static func multinomial(xs: [[Double]], classes: [Int], w: [[Double]], b: [Double], c: Double) -> Double {
        let rows = classes.indices.filter { classes[$0] >= 0 }
        let s = balancedWeights(rows.map { classes[$0] })
        var total = 0.0
        for (r, i) in rows.enumerated() {
            let z = w.indices.map { k in zip(xs[i], w[k]).reduce(b[k]) { $0 + $1.0 * $1.1 } }
            let m = z.max()!
            let lse = m + log(z.reduce(0) { $0 + exp($1 - m) })
            total += s[r] * (lse - z[classes[i]])
        }
        return c * total + 0.5 * w.reduce(0) { $0 + $1.reduce(0) { $0 + $1 * $1 } }
    }
}
