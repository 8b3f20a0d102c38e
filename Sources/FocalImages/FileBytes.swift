#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file with POSIX calls, so that a failure reads as the
/// system's one-line reason ("No such file or directory", "Is a directory").
public func readFileBytes(_ path: String, limit: Int = 1 << 31) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw ImageError(.unreadable, String(cString: strerror(errno)), path: path) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
        throw ImageError(.unreadable, String(cString: strerror(errno)), path: path)
    }
    if (info.st_mode & S_IFMT) == S_IFDIR {
        throw ImageError(.unreadable, "is a directory", path: path)
    }
    guard Int(info.st_size) <= limit else {
        throw ImageError(.tooLarge, "file of \(info.st_size) bytes is over the \(limit)-byte limit", path: path)
    }
    var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, $0.count - done) }
        if n < 0 {
            if errno == EINTR { continue }
            throw ImageError(.unreadable, String(cString: strerror(errno)), path: path)
        }
        if n == 0 { break }
        done += n
    }
    if done < bytes.count { bytes.removeSubrange(done...) }
    return bytes
}
