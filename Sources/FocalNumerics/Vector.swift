/// Unaligned SIMD loads and stores on Float buffers: channel-last tensors put
/// 16 neighbouring channels side by side, which is what these move at once.
public typealias Float16Lanes = SIMD16<Float>

@inlinable @inline(__always)
public func load16(_ p: UnsafePointer<Float>) -> Float16Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Float16Lanes.self)
}

@inlinable @inline(__always)
public func store16(_ v: Float16Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float16Lanes.self)
}

/// Eight lanes: what the specialised depthwise loops use, so that their
/// accumulators and shared inputs fit AVX2's sixteen registers.
public typealias Float8Lanes = SIMD8<Float>

@inline(__always) @usableFromInline
func load8(_ p: UnsafePointer<Float>) -> Float8Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Float8Lanes.self)
}

@inline(__always) @usableFromInline
func store8(_ v: Float8Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8Lanes.self)
}

/// What follows a convolution: nothing, or ReLU6 (min(max(x, 0), 6)).
public enum Activation: Sendable {
    case identity
    case relu6
}

extension Activation {
    @inline(__always) @usableFromInline
    func apply(_ v: Float16Lanes) -> Float16Lanes {
        switch self {
        case .identity: return v
        case .relu6: return pointwiseMin(pointwiseMax(v, Float16Lanes(repeating: 0)), Float16Lanes(repeating: 6))
        }
    }

    @inline(__always) @usableFromInline
    func apply(_ v: Float8Lanes) -> Float8Lanes {
        switch self {
        case .identity: return v
        case .relu6:
            // Written as masked replacements: pointwiseMin/Max on SIMD8 compile
            // to calls, these to one vmaxps and one vminps.
            var r = v
            r.replace(with: 0, where: v .< 0)
            r.replace(with: 6, where: r .> 6)
            return r
        }
    }

    @inline(__always) @usableFromInline
    func apply(_ v: Float) -> Float {
        switch self {
        case .identity: return v
        case .relu6: return min(max(v, 0), 6)
        }
    }
}
