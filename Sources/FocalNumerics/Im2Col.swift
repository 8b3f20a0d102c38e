/// Unfolds a channel-last image into rows of k×k×C patches (TF 'SAME' padding
/// with zeros), so a full convolution becomes one GEMM. Used for the stem,
/// whose 3 input channels make direct loops wasteful.
///
/// Row (oy * outWidth + ox) holds input[iy, ix, c] at column (ky * k + kx) * C + c.
public func im2col(_ input: UnsafePointer<Float>, height: Int, width: Int, channels: Int,
                   kernel: Int, stride: Int, output: UnsafeMutablePointer<Float>) {
    let pr = SamePadding(input: height, kernel: kernel, stride: stride)
    let pc = SamePadding(input: width, kernel: kernel, stride: stride)
    let columns = kernel * kernel * channels
    for oy in 0..<pr.output {
        for ox in 0..<pc.output {
            let row = output + (oy * pc.output + ox) * columns
            for ky in 0..<kernel {
                let iy = oy * stride - pr.before + ky
                for kx in 0..<kernel {
                    let ix = ox * stride - pc.before + kx
                    let dst = row + (ky * kernel + kx) * channels
                    if iy >= 0 && iy < height && ix >= 0 && ix < width {
                        let src = input + (iy * width + ix) * channels
                        for c in 0..<channels { dst[c] = src[c] }
                    } else {
                        for c in 0..<channels { dst[c] = 0 }
                    }
                }
            }
        }
    }
}
