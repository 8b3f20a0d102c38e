import ArgumentParser
import FocalAttribution
import FocalBackbone
import FocalExplain

/// The occlusion methods' knobs, named as Captum names them: `--window`,
/// `--stride`, `--baseline`, `--segments`, and how exactly windows are
/// computed (`--exact`, `--naive`). The map method ignores them, except that
/// `--segments` without `--method` picks the segments method.
struct OcclusionOptions: ParsableArguments {
    @Option(help: "Occluding window side, in pixels of the 224×224 input.")
    var window = 32

    @Option(help: "Step between windows.")
    var stride = 16

    @Option(help: "What hidden pixels become.")
    var baseline = Baseline.gray

    @Option(help: "Hide about this many superpixels (SLIC) instead of square windows (implies --method segments).")
    var segments: Int?

    @Flag(help: "Compute every window exactly (incremental inference). (--exact-decode decodes JPEGs at full size.)")
    var exact = false

    @Flag(help: "Compute every window by full forward passes (the slow reference).")
    var naive = false

    func validate() throws {
        guard window >= 1 && window <= Preprocessing.cropSize else {
            throw ValidationError("--window \(window) does not fit the \(Preprocessing.cropSize)x\(Preprocessing.cropSize) input")
        }
        guard stride >= 1 else { throw ValidationError("--stride must be at least 1") }
        guard !(exact && naive) else { throw ValidationError("--exact and --naive exclude each other") }
        if let segments, segments < 2 || segments > 2000 { throw ValidationError("--segments must be 2...2000") }
    }

    /// `method`, except that --segments given with the default method picks segments.
    func method(_ method: Explainer.Method) -> Explainer.Method {
        segments != nil && method == .map ? .segments : method
    }

    /// Sets these knobs on `options`.
    func apply(to options: inout Explainer.Options) {
        options.window = window
        options.stride = stride
        options.baseline = baseline
        options.mode = naive ? .naive : exact ? .exact : .approximate
        if let segments { options.segments = segments }
    }
}
