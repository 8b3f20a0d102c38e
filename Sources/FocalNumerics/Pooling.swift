/// Mean over the spatial positions of each image: (n × positions × channels) → (n × channels).
public func globalAveragePool(_ input: UnsafePointer<Float>, images: Int, positions: Int, channels: Int,
                              output: UnsafeMutablePointer<Float>) {
    let scale = 1 / Float(positions)
    for i in 0..<images {
        let out = output + i * channels
        out.initialize(repeating: 0, count: channels)
        for p in 0..<positions {
            let row = input + (i * positions + p) * channels
            for c in 0..<channels { out[c] += row[c] }
        }
        for c in 0..<channels { out[c] *= scale }
    }
}
