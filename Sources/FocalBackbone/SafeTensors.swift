import Foundation

/// Why a weights file could not be used; one line naming the file.
public struct WeightsError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// A read-only safetensors file: an 8-byte little-endian header length, a JSON
/// header `{name: {dtype, shape, data_offsets}}`, then the raw tensors.
///
/// Every offset, dtype and shape is checked against the file before any value
/// is read, so a truncated or foreign file fails with a reason, not a crash.
public struct SafeTensors: Sendable {
    public struct Entry: Sendable, Equatable {
        public var dtype: String
        public var shape: [Int]
        /// Byte range within the data section.
        public var range: Range<Int>
    }

    public let path: String
    public let entries: [String: Entry]
    public let metadata: [String: String]
    private let data: Data
    private let dataStart: Int

    static let bytesPerElement = ["F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4,
                                  "I16": 2, "I8": 1, "U8": 1, "BOOL": 1]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WeightsError(path: path, reason: "cannot read the file")
        }
        try self.init(data: data, path: path)
    }

    public init(data: Data, path: String = "<memory>") throws {
        func fail(_ reason: String) -> WeightsError { WeightsError(path: path, reason: reason) }
        self.path = path
        self.data = data
        guard data.count >= 8 else { throw fail("not a safetensors file (\(data.count) bytes, no header)") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength >= 2, headerLength <= 100_000_000, Int(headerLength) <= data.count - 8 else {
            throw fail("not a safetensors file (header length \(headerLength) for a file of \(data.count) bytes)")
        }
        dataStart = 8 + Int(headerLength)
        let headerBytes = data.subdata(in: 8..<dataStart)
        guard let json = try? JSONSerialization.jsonObject(with: headerBytes) as? [String: Any] else {
            throw fail("not a safetensors file (header is not a JSON object)")
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        let dataSize = data.count - dataStart
        for (name, value) in json {
            if name == "__metadata__" {
                for (k, v) in value as? [String: Any] ?? [:] { metadata[k] = "\(v)" }
                continue
            }
            guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String,
                  let shape = fields["shape"] as? [Int], let offsets = fields["data_offsets"] as? [Int],
                  offsets.count == 2 else {
                throw fail("tensor '\(name)' has a malformed header entry")
            }
            guard let size = Self.bytesPerElement[dtype] else { throw fail("tensor '\(name)' has unknown dtype \(dtype)") }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw fail("tensor '\(name)' has a negative shape or offsets")
            }
            guard offsets[1] <= dataSize else {
                throw fail("truncated: tensor '\(name)' ends at byte \(offsets[1]) of a \(dataSize)-byte data section")
            }
            // Checked products: a shape read from a file may be any size.
            var expected: Int? = size
            for d in shape {
                guard let e = expected else { break }
                let (product, overflow) = e.multipliedReportingOverflow(by: d)
                expected = overflow ? nil : product
            }
            guard let expected, offsets[1] - offsets[0] == expected else {
                throw fail("tensor '\(name)' holds \(offsets[1] - offsets[0]) bytes, its shape \(shape) needs \(expected.map(String.init) ?? "more than a file can hold")")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.entries = entries
        self.metadata = metadata
    }

    /// The float32 values of `name`, which must have exactly `shape`.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let entry = entries[name] else { throw WeightsError(path: path, reason: "missing tensor '\(name)'") }
        guard entry.dtype == "F32" else {
            throw WeightsError(path: path, reason: "tensor '\(name)' is \(entry.dtype), expected F32")
        }
        guard entry.shape == shape else {
            throw WeightsError(path: path, reason: "tensor '\(name)' has shape \(entry.shape), expected \(shape)")
        }
        let count = entry.range.count / 4
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { raw in
                out.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[(dataStart + entry.range.lowerBound)..<(dataStart + entry.range.upperBound)]))
            }
        }
        // Safetensors is little-endian, as is every machine Focal runs on.
        return values
    }
}
