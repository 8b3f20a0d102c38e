/// A score linear in the embedding, weights · embedding + bias: an ImageNet
/// logit, or a concept head's log-odds. Occlusion measures how much it drops;
/// approximate occlusion also uses its gradient, which is `weights`.
public struct LinearScore: Sendable {
    public let weights: [Double]
    public let bias: Double

    public init(weights: [Double], bias: Double) {
        precondition(weights.count == EfficientNetLite0.embeddingSize, "a score takes \(EfficientNetLite0.embeddingSize) weights")
        self.weights = weights
        self.bias = bias
    }

    public func callAsFunction(_ embedding: [Float]) -> Double {
        var total = bias
        for i in weights.indices { total += weights[i] * Double(embedding[i]) }
        return total
    }
}

extension EfficientNetLite0 {
    /// The logit of ImageNet class `index`.
    public func imageNetScore(class index: Int) -> LinearScore {
        let d = Self.embeddingSize
        return LinearScore(weights: classifierWeights[(index * d)..<((index + 1) * d)].map(Double.init),
                           bias: Double(classifierBias[index]))
    }
}
