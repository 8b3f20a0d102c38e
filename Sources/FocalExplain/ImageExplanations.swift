import FocalBackbone
import FocalDatasets
import FocalImages

extension Explainer {
    /// The model's probabilities on the whole image, and the concepts that fire
    /// on it: each at or above its threshold (multi-label), or the most probable
    /// one (exclusive). In the model's order.
    public func firing(_ image: Image) -> (concepts: [String], probabilities: [Double]) {
        let p = model.probabilities(embedding: backbone.network.embed([image.input])[0])
        let best = p.indices.max { p[$0] < p[$1] }
        let fired = model.concepts.indices.filter { model.mode == .multiLabel ? p[$0] >= model.thresholds[$0] : $0 == best }
        return (fired.map { model.concepts[$0] }, p)
    }

    /// One image explained for each of `concepts`, each with its picture over
    /// the full-size photo when asked: what `focal explain` writes for an
    /// image, from the one read and decode `image` made.
    public func explain(_ image: Image, concepts: [String], annotations: [Region] = [],
                        pictures: Bool) throws -> [(explanation: Explanation, picture: RGBImage?)] {
        let explanations = try concepts.map { try explain(image, concept: $0, annotations: annotations) }
        guard pictures, !explanations.isEmpty else { return explanations.map { ($0, nil) } }
        let original = try image.prepared.original()
        return explanations.map { ($0, ExplanationPicture.render($0, image: original)) }
    }
}
