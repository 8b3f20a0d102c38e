import FocalNumerics

/// Seeded mutations of byte strings, in the manner of libFuzzer's mutators:
/// bit flips, "interesting" bytes and numbers, insertions, deletions,
/// duplicated ranges, truncation, splicing with another seed, and for text
/// formats the characters their parsers split on. The same seed gives the same
/// inputs on every machine, so a failure found once is found again.
struct Mutator {
    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { random.next() }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    /// Bytes that parsers of numbers, lengths and text treat specially.
    static let interesting: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0xFE, 0x10, 0x20, 0x40]
    static let textual: [UInt8] = Array(",\"|@\n\r{}[]:-.e9 0\\\t".utf8)

    /// One to four stacked mutations of `input`; `others` are splice partners.
    mutating func mutate(_ input: [UInt8], others: [[UInt8]]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) { mutateOnce(&bytes, others: others) }
        return bytes
    }

    private mutating func mutateOnce(_ bytes: inout [UInt8], others: [[UInt8]]) {
        if bytes.isEmpty { bytes = [UInt8(truncatingIfNeeded: next())]; return }
        let at = below(bytes.count)
        switch below(11) {
        case 0: bytes[at] ^= 1 << UInt8(below(8))
        case 1: bytes[at] = UInt8(truncatingIfNeeded: next())
        case 2: bytes[at] = Self.interesting[below(Self.interesting.count)]
        case 3: bytes[at] = Self.textual[below(Self.textual.count)]
        case 4: bytes.insert(contentsOf: (0..<(1 + below(8))).map { _ in UInt8(truncatingIfNeeded: next()) }, at: at)
        case 5: bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(16)))
        case 6:
            let end = min(bytes.count, at + 1 + below(64))
            bytes.insert(contentsOf: Array(bytes[at..<end]), at: below(bytes.count))
        case 7: bytes.removeSubrange(at...)
        case 8:
            // A 16- or 32-bit field set to an extreme, either byte order.
            let value: [UInt8] = [[0xFF, 0xFF], [0, 0], [0x7F, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0x80]][below(5)]
            for (k, b) in (below(2) == 0 ? value : value.reversed()).enumerated() where at + k < bytes.count { bytes[at + k] = b }
        case 9:
            guard let other = others.isEmpty ? nil : others[below(others.count)], !other.isEmpty else { return }
            let from = below(other.count)
            bytes.replaceSubrange(at..<bytes.count, with: other[from...])
        default:
            // A run of digits: huge numbers and exponents in text formats.
            bytes.insert(contentsOf: Array(String(repeating: "9", count: 1 + below(24)).utf8), at: at)
        }
    }
}
