import FocalDatasets
import FocalTraining

extension ConceptTrainer {
    /// `samples` as trained on: with labels propagated up and down the
    /// taxonomy's hierarchy when asked.
    public func labelled(_ samples: [Sample]) -> [Sample] {
        guard hierarchy == .propagate, let taxonomy else { return samples }
        return taxonomy.propagated(samples).samples
    }

    /// A head fitted on features computed elsewhere (row i is `samples[i]`'s),
    /// with the concepts, labels and taxonomy images would get. `featuresFile`
    /// and `labelsFile` name the inputs in errors and in the model's provenance.
    /// `features` is consumed, so that the fit standardises the only copy in place.
    public func train(features: consuming FeatureMatrix, samples: [Sample], columns: [String]?,
                      featuresFile: String, labelsFile: String) throws -> HeadModel {
        let count = features.rows
        precondition(count == samples.count, "one feature row per sample")
        let rows = labelled(samples)
        let names = concepts ?? Self.trainableConcepts(rows)
        guard !names.isEmpty else { throw DatasetError(file: labelsFile, Self.nothingToTrain(rows, columns: columns)) }
        let labels = LabelMatrix(rows: rows.count, concepts: names.count,
                                 values: rows.flatMap { LabelledFeatures.labels(of: $0, for: names) })
        var model: HeadModel
        do {
            model = try head.fit(consume features, labels, concepts: names)
        } catch let error as TrainingError {
            guard case .nonFinite = error else { throw error }
            throw DatasetError(file: featuresFile, error.description)
        }
        model.provenance = Provenance(notes: ["features": featuresFile, "labels": labelsFile])
        if let taxonomy {
            model.provenance.notes.merge(["taxonomy": taxonomy.file, "taxonomy_sha256": taxonomy.sha256, "hierarchy": hierarchy.rawValue]) { a, _ in a }
        }
        return model
    }
}
