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
    // Read into uninitialised storage: zero-filling megabytes first costs as
    // much as a fast disk read of them.
    var failure: Int32 = 0
    let bytes = [UInt8](unsafeUninitializedCapacity: Int(info.st_size)) { buffer, initialized in
        var done = 0
        while done < buffer.count {
            let n = read(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            if n == 0 { break }
            done += n
        }
        initialized = done
    }
    if failure != 0 { throw ImageError(.unreadable, String(cString: strerror(failure)), path: path) }
    return bytes
}
