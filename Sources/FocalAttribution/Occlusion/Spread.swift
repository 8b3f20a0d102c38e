import FocalBackbone
import FocalNumerics

/// How a change in a convolution's input spreads to its output (and back).
struct Spread {
    let kernel: Int
    let stride: Int
    let padBefore: (rows: Int, columns: Int)
    let input: (height: Int, width: Int)
    let output: (height: Int, width: Int)

    init(kernel: Int, stride: Int, height: Int, width: Int) {
        self.kernel = kernel
        self.stride = stride
        let pr = SamePadding(input: height, kernel: kernel, stride: stride)
        let pc = SamePadding(input: width, kernel: kernel, stride: stride)
        padBefore = (pr.before, pc.before)
        input = (height, width)
        output = (pr.output, pc.output)
    }

    /// Output o reads inputs [o·s − p, o·s − p + k): the outputs whose window meets `r`.
    static func affected(_ r: Range<Int>, kernel k: Int, stride s: Int, pad p: Int, size n: Int) -> Range<Int> {
        guard !r.isEmpty else { return 0..<0 }
        let lo = max(0, ceilDivide(r.lowerBound + p - k + 1, s))
        let hi = min(n, floorDivide(r.upperBound - 1 + p, s) + 1)
        return lo..<max(lo, hi)
    }

    func affected(_ box: GridBox) -> GridBox {
        GridBox(rows: Self.affected(box.rows, kernel: kernel, stride: stride, pad: padBefore.rows, size: output.height),
                columns: Self.affected(box.columns, kernel: kernel, stride: stride, pad: padBefore.columns, size: output.width))
    }
}

@inline(__always) func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
@inline(__always) func ceilDivide(_ a: Int, _ b: Int) -> Int { -floorDivide(-a, b) }
