import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes the input being run to a file when the process dies of a signal
/// (a Swift trap, a segmentation fault, an abort), so that a crash the
/// fuzzer finds can be replayed. Only async-signal-safe calls in the handler.
enum CrashRecorder {
    nonisolated(unsafe) static var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 22)
    nonisolated(unsafe) static var length = 0
    nonisolated(unsafe) static var path: UnsafeMutablePointer<CChar> = strdup(NSTemporaryDirectory() + "focal-fuzz-crash.bin")!

    static func install() {
        // Made now, not first inside a handler (their lazy initialisers are not signal-safe).
        _ = (buffer, path)
        for signal in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                let fd = open(CrashRecorder.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                if fd >= 0 { _ = write(fd, CrashRecorder.buffer, CrashRecorder.length); close(fd) }
                Glibc.signal(number, SIG_DFL)
                raise(number)
            }
            sigaction(signal, &action, nil)
        }
    }

    /// Keeps `bytes` as the input to write if the next call crashes.
    static func record(_ bytes: [UInt8]) {
        length = min(bytes.count, 1 << 22)
        bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: length) }
    }
}
