import Foundation

/// NumPy's `.npy` format (version 1.0) for float32 matrices, written row by
/// row: the header is rewritten with the final row count when the file is
/// finished, so any number of rows streams through constant memory.
public final class NumPyMatrixWriter {
    public let columns: Int
    public private(set) var rows = 0
    let file: AtomicFile.Writer
    /// Magic, version, header length and the padded header dict: 128 bytes,
    /// room for any row count, and a multiple of 64 as NumPy recommends.
    static let headerSize = 128

    public init(path: String, columns: Int) throws {
        self.columns = columns
        file = try AtomicFile.Writer(path: path)
        try file.write(Self.header(rows: 0, columns: columns))
    }

    static func header(rows: Int, columns: Int) -> [UInt8] {
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        var text = Array(dict.utf8)
        let padded = headerSize - 10
        text += [UInt8](repeating: 0x20, count: padded - text.count - 1) + [0x0A]
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(padded & 0xFF), UInt8(padded >> 8)] + text
    }

    public func append(row: [Float]) throws {
        precondition(row.count == columns, "row of \(row.count) values for \(columns) columns")
        try file.write(row.withUnsafeBytes { Array($0) })
        rows += 1
    }

    public func finish() throws {
        try file.write(Self.header(rows: rows, columns: columns), at: 0)
        try file.commit()
    }
}

/// Reads a float32 `.npy` matrix (little-endian, C order), e.g. one `focal embed` wrote.
public struct NumPyMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    public let values: [Float]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, reason: "cannot read the file")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw FileError(path: path, reason: "not a .npy file")
        }
        let major = bytes[6]
        guard major == 1 || bytes.count >= 12 else { throw FileError(path: path, reason: "truncated .npy header") }
        let headerLength = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let start = major == 1 ? 10 : 12
        guard start + headerLength <= bytes.count,
              let header = String(bytes: bytes[start..<(start + headerLength)], encoding: .ascii) else {
            throw FileError(path: path, reason: "truncated .npy header")
        }
        guard header.contains("'<f4'"), header.contains("'fortran_order': False"),
              let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw FileError(path: path, reason: "only float32 C-order matrices are supported")
        }
        let dims = header[open.upperBound..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard dims.count == 2 else { throw FileError(path: path, reason: "not a 2-d matrix") }
        let (rows, columns) = (dims[0], dims[1])
        let (cells, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows >= 0, columns >= 0, !overflow, cells <= Int.max / 4 else {
            throw FileError(path: path, reason: "shape (\(rows), \(columns)) is not a matrix this file can hold")
        }
        let body = start + headerLength
        guard bytes.count - body == cells * 4 else {
            throw FileError(path: path, reason: "holds \(bytes.count - body) data bytes, shape needs \(cells * 4)")
        }
        self.rows = rows
        self.columns = columns
        values = bytes[body...].withUnsafeBytes { raw in
            (0..<(rows * columns)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
        }
    }

    public func row(_ i: Int) -> ArraySlice<Float> { values[(i * columns)..<((i + 1) * columns)] }
}
