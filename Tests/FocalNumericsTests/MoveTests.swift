import FocalNumerics
import FocalTestSupport
import XCTest

/// `Move.small` against the two scalar loops it replaced: the largest move
/// compared with the tolerance, and a float64 dot product with the gradient.
final class MoveTests: XCTestCase {
    func random(_ count: Int, seed: inout KnuthLCG, range: Float) -> [Float] {
        seed.floats(count, over: 1000).map { $0 * range }
    }

    func small(_ old: [Float], _ new: [Float], tolerance: Float, gradient: [Float]?) -> Float? {
        old.withUnsafeBufferPointer { o in
            new.withUnsafeBufferPointer { n in
                (gradient ?? []).withUnsafeBufferPointer { g in
                    Move.small(from: o.baseAddress!, to: n.baseAddress!, count: old.count, tolerance: tolerance,
                               gradient: gradient == nil ? nil : g.baseAddress!)
                }
            }
        }
    }

    /// Every channel count of the network's thresholded layers, and counts
    /// that end in a half block of 8 or in single channels.
    let counts = [7, 8, 20, 40, 80, 112, 192, 240, 320, 1152]

    func testSmallMovesGiveTheGradientsDotProduct() {
        var seed = KnuthLCG(seed: 3)
        for count in counts {
            let old = random(count, seed: &seed, range: 4), gradient = random(count, seed: &seed, range: 1)
            let move = random(count, seed: &seed, range: 0.05)
            let new = zip(old, move).map { $0 + $1 }
            let expected = (0..<count).reduce(0.0) { $0 + Double(gradient[$1]) * Double(new[$1] - old[$1]) }
            let got = small(old, new, tolerance: 0.06, gradient: gradient)
            XCTAssertNotNil(got, "\(count) channels")
            XCTAssertEqual(Double(got ?? .nan), expected, accuracy: 1e-5, "\(count) channels")
            XCTAssertEqual(small(old, new, tolerance: 0.06, gradient: nil), 0, "\(count) channels")
        }
    }

    func testOneLargeMoveAnywhereIsFound() {
        var seed = KnuthLCG(seed: 5)
        for count in counts {
            let old = random(count, seed: &seed, range: 4), gradient = random(count, seed: &seed, range: 1)
            for at in 0..<count {
                for sign: Float in [1, -1] {
                    var new = old
                    new[at] += sign * 0.11
                    XCTAssertNil(small(old, new, tolerance: 0.1, gradient: gradient), "\(count) channels, channel \(at)")
                    // Just inside the tolerance it is small.
                    new[at] = old[at] + sign * 0.09
                    XCTAssertNotNil(small(old, new, tolerance: 0.1, gradient: nil), "\(count) channels, channel \(at)")
                }
            }
            var broken = old
            broken[count - 1] = .nan
            XCTAssertNil(small(old, broken, tolerance: 0.1, gradient: gradient), "NaN in \(count) channels")
        }
    }
}
