#if canImport(Glibc)
import Glibc
#endif

/// Keeps freed activation buffers in the heap for reuse.
///
/// Incremental occlusion allocates and frees buffers of 1-10 MB for every
/// layer of every batch of patches. glibc serves blocks that large with fresh
/// pages from the kernel (above its mmap threshold) or hands the freed top of
/// the heap back (above its trim threshold), so each batch paid page faults on
/// zeroed pages again: about 10% of an approximate explanation's time
/// (`focal-benchmark occlusion chelsea.png`, alternating binaries with and
/// without these settings: 0.21-0.22 s without, 0.19-0.20 s with). 32 MiB is
/// the largest mmap threshold every glibc accepts, and above every such buffer. Like
/// `BLAS.threads`, this is process-wide; it is set once, when a network is
/// loaded (`EfficientNetLite0.init`).
public enum HeapTuning {
    public static func keepLargeBlocks() { _ = applied }

    private static let applied: Bool = {
        #if canImport(Glibc)
        // mallopt lives in <malloc.h>, which Swift's Glibc module leaves out.
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        let mmap = mallopt(mmapThreshold, 32 << 20), trim = mallopt(trimThreshold, 512 << 20)
        return mmap == 1 && trim == 1
        #else
        return false
        #endif
    }()
}
