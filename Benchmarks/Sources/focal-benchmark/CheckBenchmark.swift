import FocalBackbone
import FocalConcepts
import FocalDatasets
import FocalHealth
import Foundation

/// `focal-benchmark check DATA [--store PATH] [--repeat 3]`: the whole health
/// check of `focal check DATA` on cached embeddings. Embeds (or reads from the
/// cache) once untimed to warm it, then times, per run, reading every
/// embedding from the store and running every check; prints the median.
func checkBenchmark() throws {
    let path = CommandLine.arguments[2]
    let repeats = Int(argument("--repeat", default: "3"))!
    let storePath = argument("--store", default: EmbeddingStore.defaultPath)
    let dataset = try Dataset.open(path)
    let training = dataset.trainingSamples, test = dataset.samples(in: .test)
    let concepts = Array(Set(training.flatMap { $0.positives + $0.negatives })).sorted()
    let featurizer = Featurizer(backbone: try Backbone.load(), store: try EmbeddingStore(path: storePath))
    _ = try featurizer.embed(paths: (training + test).map(\.path))  // warm the cache, untimed

    var times: [Double] = [], readTimes: [Double] = [], findings = 0
    for _ in 0..<repeats {
        let t0 = now()
        let train = try LabelledFeatures(samples: training, concepts: concepts, featurizer: featurizer)
        let held = test.isEmpty ? nil : try LabelledFeatures(samples: test, concepts: concepts, featurizer: featurizer)
        let t1 = now()
        var stages: [(String, Double)] = [("reading the cache", t0)]
        let report = try HealthCheck().run(HealthInput(training: train, test: held)) { stages.append(($0, now())) }
        stages.append(("end", now()))
        // Where the time goes, on stderr (stdout stays one JSON object).
        for (a, b) in zip(stages, stages.dropFirst()) {
            FileHandle.standardError.write(Data(String(format: "%7.2f s  %@\n", b.1 - a.1, a.0).utf8))
        }
        times.append(now() - t0)
        readTimes.append(t1 - t0)
        findings = report.findings.count
    }
    times.sort()
    readTimes.sort()
    emit(["mode": "check", "dataset": path, "training_images": training.count, "test_images": test.count,
          "concepts": concepts.count, "runs": repeats, "median_seconds": times[times.count / 2],
          "median_seconds_reading_cache": readTimes[readTimes.count / 2], "findings": findings])
}
