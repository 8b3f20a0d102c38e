import ArgumentParser
import FocalAttribution
import FocalBackbone
import FocalExplain

extension Explainer.Method: ExpressibleByArgument {}
extension Baseline: ExpressibleByArgument {}

/// `--scales`, `--mirror`/`--no-mirror`, `--cut`: how a concept's map is made
/// and cut into regions, shared by explain and regions (one parse, one check).
struct MapOptions: ParsableArguments {
    @Option(help: "Input sides of the map, comma-separated (default 224,320,448).")
    var scales: String?

    @Flag(inversion: .prefixedNo, help: "The map also sees each scale mirrored left to right and averages the two (twice the work; symmetric receptive fields).")
    var mirror = true

    @Option(help: "Regions are the map's connected parts at or above this share of its peak (default: 0.5 for the map, 0.35 for occlusion and segments).")
    var cut: Double?

    func validate() throws {
        if let cut, !(cut > 0 && cut < 1) { throw ValidationError("--cut must be between 0 and 1") }
        _ = try parsedScales()
    }

    /// `--scales` as input sides (nil when not given: the defaults the image fits).
    func parsedScales() throws -> [Int]? {
        guard let scales else { return nil }
        let parts = scales.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let sides = parts.compactMap { Int($0) }
        guard sides.count == parts.count, !sides.isEmpty else { throw ValidationError("--scales must be input sides separated by commas, e.g. 224,320,448") }
        for s in sides where s < EfficientNetLite0.minimumInputSide || s > 1024 {
            throw ValidationError("--scales: \(s) is outside \(EfficientNetLite0.minimumInputSide)...1024 pixels")
        }
        return sides
    }

    /// Explainer options with these settings and the rest at their defaults.
    func explainerOptions() throws -> Explainer.Options {
        var options = Explainer.Options()
        options.scales = try parsedScales()
        options.cut = cut
        options.mirror = mirror
        return options
    }
}
