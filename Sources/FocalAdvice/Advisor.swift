import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalExplain
import FocalFiles
import FocalTraining
import Foundation

/// Finds what in the training data taught a false positive and proposes the
/// fix: co-occurring elements, positives where the concept is not the focal
/// point, the samples with most influence on the score, and counter-examples
/// from a pool of photos.
public struct Advisor {
    public let featurizer: Featurizer
    public let model: HeadModel
    public let concept: String
    /// Fewer training positives than this cannot be judged.
    public var minimumPositives = 10
    /// At most this many counter-examples are proposed.
    public var maximumAdditions = 100
    /// Focal when the concept's own region carries at least this share of the score.
    public var focalThreshold = 0.5
    /// How many of the most influential samples the report lists.
    public var influenceListed = 20
    /// (stage, done, total) as the work goes on.
    public var progress: ((String, Int, Int) -> Void)?

    public init(featurizer: Featurizer, model: HeadModel, concept: String) throws {
        do { _ = try model.conceptIndex(named: concept) } catch { throw AdviceError(error.description) }
        guard model.mode == .multiLabel else { throw AdviceError("the advisor works on multi-label models, not exclusive ones") }
        self.featurizer = featurizer
        self.model = model
        self.concept = concept
    }

    /// - Parameters:
    ///   - falsePositives: the images the model wrongly fires on (their region
    ///     labels, if any, name the explanation's regions); the first is explained.
    ///   - pool: photos to search for counter-examples (nil: none proposed).
    public func advise(training: Dataset, falsePositives targets: [Sample], pool: [Sample]?,
                       modelPath: String) throws -> Advice {
        let samples = training.trainingSamples
        let positives = samples.filter { $0.label(concept) == true }
        guard positives.count >= minimumPositives else {
            throw AdviceError("\(training.source): only \(positives.count) training positives of '\(concept)'; at least \(minimumPositives) are needed to judge what taught it")
        }
        guard !targets.isEmpty else { throw AdviceError("no false positive to explain") }
        if let pool, pool.isEmpty { throw AdviceError("the pool has no images") }
        let k = model.concepts.firstIndex(of: concept)!

        progress?("embedding training images", 0, samples.count)
        let data = try LabelledFeatures(samples: samples, concepts: model.concepts, featurizer: featurizer) {
            progress?("embedding training images", $0, $1)
        }
        let targetData = try LabelledFeatures(samples: targets, concepts: [], featurizer: featurizer)
        if let failed = targetData.skipped.first { throw AdviceError(failed.error.description) }
        let targetScores = model.predictProbabilities(targetData.features)
        let targetLogits = model.decisionFunction(targetData.features)
        let falsePositives = targetData.samples.enumerated().map {
            Advice.FalsePositive(image: $0.element.path, score: targetScores[$0.offset * model.concepts.count + k])
        }

        progress?("learning the other elements", 0, 1)
        let scorer = try ElementScorer.train(data, except: concept)

        progress?("explaining the false positive", 0, 1)
        let explanation = try Explainer(backbone: featurizer.backbone, model: model, preprocessing: featurizer.preprocessing,
                                        namer: scorer?.model)
            .explain(path: targets[0].path, concept: concept, annotations: targets[0].regions)
        var evidence = Set(explanation.regions.flatMap { $0.names.filter { $0.source != "imagenet" }.map(\.name) })
        evidence.remove(concept)
        let cooccurrence = CoOccurrence(concept: concept, samples: samples, evidence: evidence)
        let drivers = cooccurrence.drivers().map(\.name)

        let judge = { var j = FocalityJudge(backbone: featurizer.backbone, model: model, concept: concept)
                      j.preprocessing = featurizer.preprocessing
                      j.threshold = focalThreshold
                      return j }()
        progress?("judging focality of positives", 0, positives.count)
        let verdicts = judge.judge(positives) { progress?("judging focality of positives", $0, positives.count) }
        var unreadable: [String] = []
        var notFocal: [Focality] = []
        var explained = 0
        for (sample, verdict) in zip(positives, verdicts) {
            switch verdict {
            case .success(let f):
                if !f.focal && !f.weak { notFocal.append(f) }
                if f.method == "map" { explained += 1 }
            case .failure(let error): unreadable.append("\(sample.path): \(error)")
            }
        }
        notFocal.sort { ($0.contextShare - $0.ownShare, $1.image) > ($1.contextShare - $1.ownShare, $0.image) }

        progress?("computing influence", 0, 1)
        let influence = try Influence(model: model, concept: k, training: data.features, labels: data.labels,
                                      targets: targetData.features)
        var influenceByPath: [String: Double] = [:]
        for (i, s) in data.samples.enumerated() { influenceByPath[s.path] = influence.values[i] }
        let influential = data.samples.indices.sorted { influence.values[$0] > influence.values[$1] }
            .prefix(influenceListed).map { i in
                Advice.Influential(image: data.samples[i].path, influence: influence.values[i],
                                   label: data.samples[i].label(concept).map { $0 ? "positive" : "negative" } ?? "unlabelled",
                                   elements: Elements.known(in: data.samples[i], except: concept).sorted())
            }

        var additions: [CounterExample] = []
        var setAside = 0
        var screenRule: CounterExampleScreen.Rule?
        if let pool {
            // Never training images, and never test images: a counter-example
            // taken from the test split would be scored on after training on it.
            let blocked = Set((samples + training.samples(in: .test)).map { canonicalPath($0.path) })
            let candidates = pool.filter { !blocked.contains(canonicalPath($0.path)) && $0.split != .test }
            progress?("scoring the pool", 0, candidates.count)
            let poolData = try LabelledFeatures(samples: candidates, concepts: [], featurizer: featurizer) {
                progress?("scoring the pool", $0, $1)
            }
            let scores = scorer?.scores(poolData.features) ?? [:]
            // The advised model's log-odds per row (rows of `width` concepts).
            let width = model.concepts.count, poolLogits = model.decisionFunction(poolData.features)
            let search = CounterExampleSearch(concept: concept, drivers: drivers)
            progress?("learning the \(concept) apart from its context", 0, 1)
            let presence = try PresenceHead.train(training: data, excluded: Set(notFocal.map(\.image)), search: search,
                                                  falsePositives: targetData.features)
            let found = search.find(pool: poolData.samples, scores: scores,
                                    conceptLogits: (0..<poolData.samples.count).map { poolLogits[$0 * width + k] },
                                    presence: presence?.probabilities(poolData.features))
            let screen = presence.map(CounterExampleScreen.init(presence:))
                ?? CounterExampleScreen(falsePositiveLogits: (0..<targetData.samples.count).map { targetLogits[$0 * width + k] })
            let screened = screen?.screen(found) ?? (kept: found, setAside: 0)
            setAside = screened.setAside
            screenRule = screen?.rule
            additions = Array(screened.kept.prefix(maximumAdditions))
        }
        let samplesByPath = Dictionary(samples.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let proposal = Proposal(
            concept: concept,
            remove: notFocal.map { f in
                .init(image: f.image, reason: f.reason, contextShare: f.contextShare, influence: influenceByPath[f.image],
                      elements: samplesByPath[f.image].map { Elements.known(in: $0, except: concept).sorted() } ?? [])
            },
            add: additions, setAside: pool == nil ? nil : setAside, screen: screenRule)
        return Advice(
            model: modelPath, data: training.source, concept: concept, falsePositives: falsePositives,
            explanation: explanation, cooccurrence: cooccurrence, drivers: drivers,
            focality: .init(threshold: focalThreshold, judged: positives.count - unreadable.count, notFocal: notFocal,
                            unreadable: unreadable, withoutRegionLabels: explained),
            influence: influential, proposal: proposal,
            summary: proposal.summary(positives: positives.count, drivers: drivers, notFocal: notFocal.count)
                + (explained > 0 ? " \(explained) positives have no '\(concept)' region label, so their focality was judged from the concept's map (the region it finds, hidden and shown alone); region labels judge it better." : ""),
            revision: nil, verification: nil)
    }
}
