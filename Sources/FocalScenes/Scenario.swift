import FocalNumerics

/// The part of a dataset an image belongs to.
public enum Split: String, CaseIterable, Sendable {
    /// Labelled, for training a concept.
    case train
    /// Labelled, held out; in `wedding` decoupled so that context cannot stand in for the concept.
    case test
    /// Unlabelled and mixed: where a person looks for counter-examples.
    case pool

    var streamKey: UInt64 {
        switch self {
        case .train: return 1
        case .test: return 2
        case .pool: return 3
        }
    }
}

/// A kind of generated dataset, each teaching one lesson about training data.
///
/// A scenario works in two steps. `plan` decides, for a whole split at once,
/// what every image contains: that is where requested rates are met exactly,
/// by assigning counts and shuffling, so the rates hold at any split size.
/// `render` then draws one planned image from its own random stream, so images
/// can be drawn in parallel in any order and still come out identical.
public protocol Scenario: Sendable {
    associatedtype Plan: Sendable

    /// The name on the command line.
    var name: String { get }
    /// Concepts every labelled image is labelled for (positive or negative), headline first.
    var concepts: [String] { get }
    /// Elements that are drawn as instances with masks, and may come from cut-outs.
    var elements: [String] { get }
    /// Extra manifest columns after the five required ones.
    var extraColumns: [String] { get }
    /// The settings that shape the data, for synth.json.
    var knobs: [String: Any] { get }

    func plan(split: Split, count: Int, random: inout SplitMix64) -> [Plan]
    /// The concepts present in a planned image (its positives in a labelled split).
    func present(_ plan: Plan) -> Set<String>
    /// Values for `extraColumns`.
    func extras(_ plan: Plan) -> [String]
    /// Draws the planned image.
    func render(_ plan: Plan, on canvas: Canvas, random: inout SplitMix64, cutouts: Cutouts?)
}

extension Scenario {
    /// Positive and negative labels of a planned image; the pool's are empty.
    public func labels(_ plan: Plan, split: Split) -> (positives: [String], negatives: [String]) {
        guard split != .pool else { return ([], []) }
        let present = self.present(plan)
        return (concepts.filter { present.contains($0) }, concepts.filter { !present.contains($0) })
    }
}
