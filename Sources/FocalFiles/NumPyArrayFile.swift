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

    /// Reads the header, then the body straight into the matrix's storage:
    /// no copy of the file in memory besides the values themselves (a
    /// 100,000×1280 matrix is 512 MB; training holds it once).
    public init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError(path: path, reason: "cannot read the file") }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw FileError(path: path, reason: "cannot read the file") }
        let fileSize = Int(status.st_size)
        /// Up to `count` bytes from the current offset (fewer only at the end of the file).
        func readBytes(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            var done = 0
            while done < buffer.count {
                let got = read(fd, buffer.baseAddress! + done, buffer.count - done)
                if got < 0 { if errno == EINTR { continue }; throw FileError(path: path, reason: "cannot read the file") }
                if got == 0 { break }
                done += got
            }
            return done
        }
        var prefix = [UInt8](repeating: 0, count: min(12, fileSize))
        let prefixRead = try prefix.withUnsafeMutableBytes { try readBytes(into: $0) }
        prefix = Array(prefix[..<prefixRead])
        guard prefix.count >= 10, prefix[0] == 0x93, Array(prefix[1..<6]) == Array("NUMPY".utf8) else {
            throw FileError(path: path, reason: "not a .npy file")
        }
        let major = prefix[6]
        guard major == 1 || prefix.count >= 12 else { throw FileError(path: path, reason: "truncated .npy header") }
        let headerLength = major == 1 ? Int(prefix[8]) | Int(prefix[9]) << 8
            : Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
        let start = major == 1 ? 10 : 12
        guard start + headerLength <= fileSize else { throw FileError(path: path, reason: "truncated .npy header") }
        var headerBytes = Array(prefix[start...])
        if headerBytes.count < headerLength {
            var rest = [UInt8](repeating: 0, count: headerLength - headerBytes.count)
            let got = try rest.withUnsafeMutableBytes { try readBytes(into: $0) }
            headerBytes += rest[..<got]
        }
        guard headerBytes.count >= headerLength,
              let header = String(bytes: headerBytes[..<headerLength], encoding: .ascii) else {
            throw FileError(path: path, reason: "truncated .npy header")
        }
        guard header.contains("'<f4'"), header.contains("'fortran_order': False"),
              let shapeStart = header.range(of: "'shape': ("), let shapeEnd = header[shapeStart.upperBound...].firstIndex(of: ")") else {
            throw FileError(path: path, reason: "only float32 C-order matrices are supported")
        }
        let dims = header[shapeStart.upperBound..<shapeEnd].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard dims.count == 2 else { throw FileError(path: path, reason: "not a 2-d matrix") }
        let (rows, columns) = (dims[0], dims[1])
        let (cells, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows >= 0, columns >= 0, !overflow, cells <= Int.max / 4 else {
            throw FileError(path: path, reason: "shape (\(rows), \(columns)) is not a matrix this file can hold")
        }
        let body = start + headerLength
        guard fileSize - body == cells * 4 else {
            throw FileError(path: path, reason: "holds \(fileSize - body) data bytes, shape needs \(cells * 4)")
        }
        // The bytes after the header, where the prefix read may already have reached.
        let early = prefix.count > start + headerLength ? Array(prefix[(start + headerLength)...]) : []
        self.rows = rows
        self.columns = columns
        values = try [Float](unsafeUninitializedCapacity: cells) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            let carried = min(early.count, raw.count)
            early.withUnsafeBytes { raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<carried])) }
            let wanted = raw.count - carried
            let got = wanted == 0 ? 0 : try readBytes(into: UnsafeMutableRawBufferPointer(rebasing: raw[(raw.count - wanted)...]))
            guard got == wanted else { throw FileError(path: path, reason: "cannot read the file") }
            count = cells
        }
    }

    public func row(_ i: Int) -> ArraySlice<Float> { values[(i * columns)..<((i + 1) * columns)] }
}
