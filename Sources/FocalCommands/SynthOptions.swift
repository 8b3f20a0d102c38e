import ArgumentParser
import FocalScenes

/// The scenarios `focal synth` draws, one per lesson about training data.
enum ScenarioName: String, CaseIterable, ExpressibleByArgument {
    case wedding, apples, pints
}

extension Pints.Style: ExpressibleByArgument {}

/// `--count`, `--train`, `--test`, `--pool`: how many images each split gets.
struct SplitCountOptions: ParsableArguments {
    @Option(help: "Total images: half train, a quarter test, a quarter pool.")
    var count: Int?

    @Option(help: "Training images (default 400, or count/2).")
    var train: Int?

    @Option(help: "Test images (default 200, or count/4).")
    var test: Int?

    @Option(help: "Unlabelled pool images (default 200, or the rest of count).")
    var pool: Int?

    func validate() throws {
        for (name, value) in [("--count", count), ("--train", train), ("--test", test), ("--pool", pool)] {
            if let value, value < 0 { throw ValidationError("\(name) must not be negative") }
        }
    }

    /// --count's proportions (or 400/200/200), with any split set directly replacing its share.
    var counts: [Split: Int] {
        var counts = count.map(SynthConfiguration.proportions(total:)) ?? [.train: 400, .test: 200, .pool: 200]
        if let train { counts[.train] = train }
        if let test { counts[.test] = test }
        if let pool { counts[.pool] = pool }
        return counts
    }
}

/// The wedding scenario's knobs: how strongly the context goes with the bouquet.
struct WeddingOptions: ParsableArguments {
    @Option(help: "Share of train images with a bouquet that have each of veil, greenery, flowers.")
    var contextWithBouquet = 0.9

    @Option(help: "Share of train images without a bouquet that have each of veil, greenery, flowers.")
    var contextWithoutBouquet = 0.1

    @Option(help: "Share of bouquets that are the focal point (large and central) rather than incidental (small, at the side).")
    var focalRate = 0.5

    @Option(help: "Share of train images with a bouquet.")
    var bouquetRate = 0.5

    @Option(help: "Share of images without a veil that show a person (a veil always has one).")
    var personRate = 0.5

    @Option(help: "Share of images without a bouquet in which an arm reaches in with an empty hand (an arm then no longer means a bouquet).")
    var emptyHandRate = 0.0

    func validate() throws {
        try requireShares([("--context-with-bouquet", contextWithBouquet), ("--context-without-bouquet", contextWithoutBouquet),
                           ("--focal-rate", focalRate), ("--bouquet-rate", bouquetRate), ("--person-rate", personRate),
                           ("--empty-hand-rate", emptyHandRate)])
    }

    var scenario: Wedding {
        Wedding(contextWithBouquet: contextWithBouquet, contextWithoutBouquet: contextWithoutBouquet, focalRate: focalRate,
                bouquetRate: bouquetRate, personRate: personRate, emptyHandRate: emptyHandRate)
    }
}

/// The apples scenario's knobs: how many apples are red in each split (the bias).
struct AppleOptions: ParsableArguments {
    @Option(help: "Share of images with apples.")
    var appleRate = 0.5

    @Option(help: "Share of train apple images whose apples are red (the rest green).")
    var trainRed = 0.0

    @Option(help: "Share of test apple images whose apples are red.")
    var testRed = 0.5

    @Option(help: "Share of pool apple images whose apples are red.")
    var poolRed = 0.5

    func validate() throws {
        try requireShares([("--apple-rate", appleRate), ("--train-red", trainRed), ("--test-red", testRed), ("--pool-red", poolRed)])
    }

    var scenario: Apples { Apples(appleRate: appleRate, redRate: [.train: trainRed, .test: testRed, .pool: poolRed]) }
}

/// The pints scenario's knobs: the photographic style of each split.
struct PintOptions: ParsableArguments {
    @Option(help: "Share of images with a perfect pint (the rest flat, over-foamed or short).")
    var perfectRate = 0.5

    @Option(help: "Train style.")
    var trainStyle = Pints.Style.studio

    @Option(help: "Test style.")
    var testStyle = Pints.Style.phone

    @Option(help: "Pool style.")
    var poolStyle = Pints.Style.mixed

    func validate() throws {
        try requireShares([("--perfect-rate", perfectRate)])
    }

    var scenario: Pints { Pints(perfectRate: perfectRate, styles: [.train: trainStyle, .test: testStyle, .pool: poolStyle]) }
}

/// Each named value must be a share, in 0...1.
func requireShares(_ shares: [(name: String, value: Double)]) throws {
    for (name, value) in shares where !(0...1).contains(value) {
        throw ValidationError("\(name) must be between 0 and 1")
    }
}
