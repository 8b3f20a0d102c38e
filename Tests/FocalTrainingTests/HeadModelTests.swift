import XCTest
@testable import FocalTraining

final class HeadModelTests: XCTestCase {
    func fitted() throws -> HeadModel {
        let (x, y) = CrossValidationTests.data()
        var model = try LogisticHead(crossValidation: CrossValidationOptions(folds: 3, seed: 4))
            .fit(x, y, concepts: ["a", "rare", "noise"])
        model.provenance = Provenance(backbone: "EfficientNet-Lite0", backboneSHA256: String(repeating: "ab", count: 32),
                                      trainingRevision: "0123abc", notes: ["dataset": "unit test"])
        return model
    }

    func testJSONRoundTripPredictsTheSame() throws {
        let model = try fitted()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("focal-head-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        let decoded = try HeadModel.read(from: path)
        XCTAssertEqual(decoded, model)
        let (x, _) = CrossValidationTests.data(seed: 99)  // new samples
        XCTAssertEqual(decoded.decisionFunction(x), model.decisionFunction(x))
        XCTAssertEqual(decoded.predictProbabilities(x), model.predictProbabilities(x))
        XCTAssertEqual(decoded.predict(x), model.predict(x))
        XCTAssertEqual(decoded.provenance.backbone, "EfficientNet-Lite0")
        XCTAssertEqual(decoded.training.solverOptions, SolverOptions())
        XCTAssertTrue(decoded.training.converged)
        // The file records what the brief of a model file asks for.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for key in ["concepts", "weights", "intercepts", "standardization", "thresholds", "regularization",
                    "solverOptions", "iterations", "converged", "crossValidation", "backboneSHA256", "trainingRevision"] {
            XCTAssertTrue(text.contains("\"\(key)\""), key)
        }
    }

    /// The raw-feature coefficients give the decision function's logits
    /// without standardising: w/scale · x + (b − Σ w·mean/scale).
    func testLogitCoefficientsReproduceTheDecisionFunction() throws {
        let model = try fitted()
        let (x, _) = CrossValidationTests.data(seed: 7)
        let logits = model.decisionFunction(x), k = model.concepts.count
        for c in 0..<k {
            let (w, b) = model.logitCoefficients(concept: c)
            for i in 0..<x.rows {
                var z = b
                for j in 0..<x.columns { z += w[j] * Double(x.values[i * x.columns + j]) }
                XCTAssertEqual(z, logits[i * k + c], accuracy: 1e-3 * max(1, abs(z)))
            }
        }
    }

    func testUndefinedMetricsSurviveTheFile() throws {
        var model = try fitted()
        model.crossValidation?.concepts[0].rocAUC = .nan
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("focal-head-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        XCTAssertTrue(try HeadModel.read(from: path).crossValidation!.concepts[0].rocAUC.isNaN)
    }

    func testPredictionsFollowTheWeights() throws {
        let model = try fitted()
        let (x, y) = CrossValidationTests.data(seed: 99)
        let z = model.decisionFunction(x), p = model.predictProbabilities(x), decisions = model.predict(x)
        // Row 3 by hand: standardise, dot with the weights, add the intercept.
        for k in 0..<3 {
            let row = x.row(3)
            var logit = model.intercepts[k]
            for j in 0..<x.columns {
                logit += (Double(row[row.startIndex + j]) - model.standardization.mean[j]) / model.standardization.scale[j]
                    * model.weights[k][j]
            }
            XCTAssertEqual(z[3 * 3 + k], logit, accuracy: 1e-4)
            XCTAssertEqual(p[3 * 3 + k], 1 / (1 + exp(-z[3 * 3 + k])), accuracy: 1e-15)
        }
        for i in 0..<x.rows {
            for k in 0..<3 { XCTAssertEqual(decisions[i, k] == .positive, p[i * 3 + k] >= model.thresholds[k]) }
        }
        // score = exact-match accuracy of predict.
        XCTAssertEqual(model.score(x, y), Metrics.exactMatchAccuracy(predicted: decisions, actual: y))
        XCTAssertGreaterThan(Metrics.perLabelAccuracy(predicted: decisions, actual: y)[0], 0.8)
    }

    /// A concept is found by name; one the model lacks is the error every command prints.
    func testConceptIndexByName() throws {
        let data = ReferenceData(try Fixture.json("logistic_reference")["multinomial"] as! [String: Any])
        let model = try LogisticHead(mode: .exclusive, c: 0.5, crossValidation: nil)
            .fit(data.features, data.labels, concepts: data.concepts)
        for (i, name) in data.concepts.enumerated() { XCTAssertEqual(try model.conceptIndex(named: name), i) }
        XCTAssertThrowsError(try model.conceptIndex(named: "cake")) {
            XCTAssertEqual("\($0)", "the model has no concept 'cake' (it has \(data.concepts.joined(separator: ", ")))")
        }
    }

    func testExclusivePredictsTheMostProbableConcept() throws {
        let data = ReferenceData(try Fixture.json("logistic_reference")["multinomial"] as! [String: Any])
        let model = try LogisticHead(mode: .exclusive, c: 0.5, crossValidation: nil)
            .fit(data.features, data.labels, concepts: data.concepts)
        let p = model.predictProbabilities(data.features), decisions = model.predict(data.features)
        for i in 0..<data.features.rows {
            let row = Array(p[(i * 4)..<((i + 1) * 4)])
            XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-12)
            let best = row.indices.max { row[$0] < row[$1] }!
            XCTAssertEqual((0..<4).filter { decisions[i, $0] == .positive }, [best])
        }
        XCTAssertGreaterThan(model.score(data.features, data.labels), 0.6)
    }
}
