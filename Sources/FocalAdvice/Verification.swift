import FocalConcepts
import FocalDatasets
import FocalNumerics
import FocalTraining

/// Proof that a revision fixes what the advisor said was wrong: both revisions
/// trained identically and scored on the same test set, the false-positive rate
/// measured where the problem lives (test negatives that show every driving
/// element), and the same number of *random* positives removed as a control.
public struct Verification: Codable, Sendable {
    public struct Figures: Codable, Sendable {
        /// On test negatives that show every driving element.
        public var contextFalsePositiveRate: Double
        /// On the whole test set.
        public var f1: Double
        public var accuracy: Double
    }
    public struct RandomControl: Codable, Sendable {
        public var seeds: [UInt64]
        /// Per seed.
        public var runs: [Figures]
        public var mean: Figures
    }

    public var comparison: ComparisonReport
    public var drivers: [String]
    /// Test negatives of the concept that show every driving element.
    public var contextImages: Int
    public var before: Figures
    public var after: Figures
    /// 1 − after/before of the context false-positive rate.
    public var relativeDrop: Double
    public var f1Change: Double
    /// Removing as many randomly chosen positives (and adding the same counter-examples).
    public var random: RandomControl
    /// The proposal's context false-positive rate is below the random control's mean.
    public var beatsRandom: Bool

    /// - Parameters:
    ///   - proposal: what `revision` applied to `old` (its removal count sets the control's).
    ///   - trainer: how every revision is trained: as the advised model was (its
    ///     examples, its hierarchy); default `ConceptTrainer(seed: 0, concepts: [concept])`.
    ///   - trainedOld: `old` already trained by `trainer`.
    public static func run(old: Dataset, revision: Dataset, proposal: Proposal, pool: [Sample], test: Dataset,
                           testPath: String, drivers: [String], featurizer: Featurizer, trainer: ConceptTrainer? = nil,
                           trainedOld: ConceptTrainer.Outcome? = nil,
                           seeds: [UInt64] = [1, 2, 3, 4, 5], progress: ((String) -> Void)? = nil) throws -> Verification {
        let concept = proposal.concept
        var testSamples = test.samples(in: .test)
        if testSamples.isEmpty { testSamples = test.samples }
        let testData = try LabelledFeatures(samples: testSamples, concepts: [concept], featurizer: featurizer)
        let context = testData.samples.indices.filter { i in
            testData.samples[i].label(concept) == false
                && Set(drivers).isSubset(of: Elements.known(in: testData.samples[i], except: concept))
        }
        let trainer = trainer ?? ConceptTrainer(seed: 0, concepts: [concept])
        func figures(_ model: HeadModel) -> Figures {
            let predicted = model.predict(testData.features).values.map { $0 == .positive }
            let known = testData.samples.indices.filter { testData.labels[$0, 0] != .unknown }
            let counts = Metrics.Counts(predicted: known.map { predicted[$0] }, actual: known.map { testData.labels[$0, 0] == .positive })
            let fp = context.isEmpty ? .nan : Double(context.filter { predicted[$0] }.count) / Double(context.count)
            return Figures(contextFalsePositiveRate: fp, f1: counts.f1, accuracy: counts.accuracy)
        }
        progress?("training revision 1")
        let a = try trainedOld ?? trainer.train(old, featurizer: featurizer)
        progress?("training revision 2")
        let b = try trainer.train(revision, featurizer: featurizer)
        let comparison = Comparer().compare(
            a: a.model, b: b.model,
            sideA: .init(dataset: old.source, revision: a.revision, trainingSamples: a.training.samples.count, c: a.model.regularization),
            sideB: .init(dataset: revision.source, revision: b.revision, trainingSamples: b.training.samples.count, c: b.model.regularization),
            test: testData, testPath: testPath)
        let before = figures(a.model), after = figures(b.model)

        let positives = old.trainingSamples.filter { $0.label(concept) == true }.map(\.path)
        var runs: [Figures] = []
        for seed in seeds {
            progress?("training random control \(runs.count + 1) of \(seeds.count)")
            var random = SplitMix64(seed: seed)
            var shuffled = positives
            random.shuffle(&shuffled)
            let control = Proposal(concept: concept,
                                   remove: shuffled.prefix(proposal.remove.count).map {
                                       .init(image: $0, reason: "random", contextShare: 0, influence: nil, elements: [])
                                   },
                                   add: proposal.add)
            runs.append(figures(try trainer.train(control.revision(of: old, pool: pool), featurizer: featurizer).model))
        }
        func mean(_ f: (Figures) -> Double) -> Double { runs.map(f).reduce(0, +) / Double(max(1, runs.count)) }
        let meanFigures = Figures(contextFalsePositiveRate: mean(\.contextFalsePositiveRate), f1: mean(\.f1), accuracy: mean(\.accuracy))
        return Verification(
            comparison: comparison, drivers: drivers, contextImages: context.count, before: before, after: after,
            relativeDrop: before.contextFalsePositiveRate > 0 ? 1 - after.contextFalsePositiveRate / before.contextFalsePositiveRate : .nan,
            f1Change: after.f1 - before.f1,
            random: RandomControl(seeds: seeds, runs: runs, mean: meanFigures),
            beatsRandom: after.contextFalsePositiveRate < meanFigures.contextFalsePositiveRate)
    }
}
