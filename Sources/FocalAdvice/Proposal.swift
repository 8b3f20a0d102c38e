import FocalDatasets

/// The advisor's concrete proposal: positives to take out of the concept's
/// training set and counter-examples to add as its negatives.
public struct Proposal: Codable, Sendable {
    public struct Removal: Codable, Sendable, Equatable {
        public var image: String
        public var reason: String
        /// Share of the image's score carried by context, not by the concept's region.
        public var contextShare: Double
        /// How much the image raised the false positives' logit (nil without targets).
        public var influence: Double?
        /// The elements it contains besides the concept.
        public var elements: [String]

        public init(image: String, reason: String, contextShare: Double, influence: Double?, elements: [String]) {
            self.image = image
            self.reason = reason
            self.contextShare = contextShare
            self.influence = influence
            self.elements = elements
        }
    }
    public var concept: String
    /// Most context-driven first.
    public var remove: [Removal]
    /// Fullest context first.
    public var add: [CounterExample]
    /// Unlabelled pool photos with the context that were not proposed because
    /// they likely show the concept (`CounterExampleScreen`).
    public var setAside: Int?
    /// How that was judged.
    public var screen: CounterExampleScreen.Rule?

    public init(concept: String, remove: [Removal], add: [CounterExample], setAside: Int? = nil,
                screen: CounterExampleScreen.Rule? = nil) {
        self.concept = concept
        self.remove = remove
        self.add = add
        self.setAside = setAside
        self.screen = screen
    }

    public var isEmpty: Bool { remove.isEmpty && add.isEmpty }

    /// The training set as the proposal would have it: removed positives gone,
    /// counter-examples labelled negative for the concept and put in the
    /// training split (rows already in the dataset are changed, others added).
    public func revision(of dataset: Dataset, pool: [Sample]) -> Dataset {
        let removed = Set(remove.map(\.image))
        let added = Set(add.map(\.image))
        // Counter-examples go where `trainingSamples` looks: the train split, or
        // the rows without a split when the dataset has no train split.
        let usesSplits = dataset.samples.contains { $0.split == .train }
        var samples: [Sample] = []
        var present = Set<String>()
        for var sample in dataset.samples where !(removed.contains(sample.path) && sample.split != .test) {
            if added.contains(sample.path) && sample.split != .test {
                sample.negatives = appending(concept, to: sample.negatives)
                sample.split = usesSplits ? .train : nil
            }
            present.insert(sample.path)
            samples.append(sample)
        }
        for path in add.map(\.image) where !present.contains(path) {
            var sample = pool.first { $0.path == path } ?? Sample(image: path, path: path)
            sample.negatives = appending(concept, to: sample.negatives)
            sample.positives.removeAll { $0 == concept }
            sample.split = usesSplits ? .train : nil
            sample.extra = sample.extra.filter { dataset.extraColumns.contains($0.key) }
            samples.append(sample)
        }
        return Dataset(source: dataset.source, samples: samples, extraColumns: dataset.extraColumns)
    }

    func appending(_ name: String, to list: [String]) -> [String] { list.contains(name) ? list : list + [name] }

    /// One paragraph a person acts on.
    public func summary(positives: Int, drivers: [String], notFocal: Int) -> String {
        let context = drivers.isEmpty ? "context" : drivers.joined(separator: "/")
        var parts: [String] = []
        if notFocal > 0 {
            parts.append("\(notFocal) of \(positives) '\(concept)' positives are photos where the \(concept) is not the focal point: the score comes from \(context)")
        }
        var actions: [String] = []
        if !remove.isEmpty { actions.append("remove \(remove.count) of them") }
        if !add.isEmpty {
            let unverified = add.filter { !$0.verified }.count
            actions.append("add \(add.count) \(context) photos without a \(concept) as negatives"
                           + (unverified > 0 ? " (check that the \(unverified) unlabelled ones show no \(concept))" : ""))
        }
        let n = setAside ?? 0
        let why = screen == .presence
            ? "a head trained to tell the \(concept) from its context (the focal positives against the photos known to show the context without it) finds a \(concept) in"
            : "the model scores above the median false positive, so a \(concept) likely shows in"
        let aside = n == 0 ? ""
            : n == 1 ? " 1 unlabelled \(context) photo was left out: \(why) it."
            : " \(n) unlabelled \(context) photos were left out: \(why) them."
        if actions.isEmpty {
            return (parts.isEmpty ? "Nothing to change: the '\(concept)' positives are focal and no counter-examples were found." : parts[0] + ".") + aside
        }
        return (parts.isEmpty ? "" : parts[0] + "; ") + actions.joined(separator: " and ") + "." + aside
    }
}
