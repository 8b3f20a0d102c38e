import ArgumentParser
import FocalFiles
import FocalScenes
import Foundation

/// `focal synth`: generated datasets with known answers, one per lesson about training data.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a labelled dataset of drawn scenes with known answers (images, masks, manifest).",
        discussion: """
            Scenarios, one per lesson about training data:
              wedding  concept 'bouquet' among people, veils, greenery and loose flowers. In the \
            train split each of veil, greenery and flowers is in exactly --context-with-bouquet of the \
            images with a bouquet and --context-without-bouquet of those without; the test split is \
            decoupled (equal quarters of bouquet/no bouquet x wedding context/none) so a model that \
            learnt the context is caught; the pool split is unlabelled, each element in half the images.
              apples   concept 'apple' among other fruit; --train-red/--test-red/--pool-red set the share \
            of apple images whose apples are red (the rest green): the bias lesson.
              pints    concept 'perfect_pint' (a glass of beer with a proper head of foam), --perfect-rate \
            of the images; each split in 'studio' style (clean light, centred, sharp) or 'phone' style \
            (tilt, blur, noise, clutter, low light, JPEG artefacts) or 'mixed' (half each): the lesson \
            on representative data.

            Writes OUT/images/SPLIT/NNNNNN.jpg, OUT/masks/SPLIT/NNNNNN_ELEMENT_K.png (8-bit, 255 inside, \
            one per element instance), OUT/manifest.csv (image,positives,negatives,split,regions + \
            scenario columns; regions are concept@x,y,w,h, the tight box of each mask; pool rows have \
            no labels but keep their regions as ground truth) and \
            OUT/synth.json (scenario, seed, knobs, counts). The same seed gives the same bytes.

            Counts: --count N makes N/2 train, N/4 test and the rest pool; --train/--test/--pool \
            set a split directly (0 leaves it out). Default: 400 train, 200 test, 200 pool.
            """)

    @Argument(help: "The scenario.")
    var scenario: ScenarioName

    @Option(help: "Output folder (created; must be empty unless --force).")
    var out: String

    @OptionGroup var splits: SplitCountOptions

    @Option(help: "Random seed: the same seed gives byte-identical files.")
    var seed: UInt64 = 1

    @Option(help: "Image side in pixels (square).")
    var size = 256

    @Option(help: "Folder of RGBA PNG cut-outs, one subfolder per element (e.g. DIR/veil/*.png; DIR/background/ may hold photos); they replace the drawn elements.")
    var cutouts: String?

    @Flag(help: "Write into a non-empty folder, replacing its images/, masks/, manifest.csv and synth.json.")
    var force = false

    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    @OptionGroup(title: "wedding") var wedding: WeddingOptions

    @OptionGroup(title: "apples") var apples: AppleOptions

    @OptionGroup(title: "pints") var pints: PintOptions

    func validate() throws {
        guard (16...4096).contains(size) else { throw ValidationError("--size must be between 16 and 4096") }
    }

    func run() throws {
        do {
            try prepareFolder()
            switch scenario {
            case .wedding: try generate(wedding.scenario)
            case .apples: try generate(apples.scenario)
            case .pints: try generate(pints.scenario)
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            warn("focal synth: \(error)")
            throw ExitCode(1)
        }
    }

    /// Refuses to mix a new dataset with other files, unless --force.
    func prepareFolder() throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: out, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw FileError(path: out, reason: "exists and is not a folder") }
            let contents = (try? fm.contentsOfDirectory(atPath: out)) ?? []
            if !contents.isEmpty {
                guard force else {
                    throw FileError(path: out, reason: "is not empty; choose another --out or pass --force to replace a dataset there")
                }
                for name in ["images", "masks"] where contents.contains(name) {
                    try fm.removeItem(atPath: out + "/" + name)
                }
            }
        } else {
            do { try fm.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                throw FileError(path: out, reason: "cannot create the folder")
            }
        }
    }

    func generate<S: Scenario>(_ scenario: S) throws {
        let cutoutSet = try cutouts.map { try Cutouts(folder: $0, elements: scenario.elements) }
        if let cutouts, cutoutSet?.elements.isEmpty ?? true {
            warn("focal synth: no cut-outs found in \(cutouts) (expected subfolders named \(scenario.elements.joined(separator: ", ")) holding .png files); drawing every element")
        }
        let configuration = SynthConfiguration(seed: seed, size: size, counts: splits.counts, cutouts: cutoutSet)
        let total = configuration.counts.values.reduce(0, +)
        guard total > 0 else { throw ValidationError("nothing to generate: every split has 0 images") }
        let progress = Progress("rendering", total: total, enabled: !json && isatty(STDERR_FILENO) == 1)
        let start = Date()
        let records = try Generator.generate(scenario, configuration: configuration, into: out) { done in
            progress.advance(by: done - progress.done)
        }
        progress.finish()
        let seconds = Date().timeIntervalSince(start)
        let masks = records.reduce(0) { $0 + $1.masks.count }
        if json {
            var splits: [String: Int] = [:]
            for r in records { splits[r.split.rawValue, default: 0] += 1 }
            print(try jsonLine(["scenario": scenario.name, "out": out, "manifest": out + "/manifest.csv",
                                "images": records.count, "masks": masks, "splits": splits, "seed": seed,
                                "seconds": (seconds * 100).rounded() / 100] as [String: Any]))
        } else {
            let splits = Split.allCases.compactMap { s -> String? in
                let n = records.filter { $0.split == s }.count
                return n > 0 ? "\(n) \(s.rawValue)" : nil
            }.joined(separator: ", ")
            print("wrote \(records.count) \(scenario.name) images (\(splits)) and \(masks) masks to \(out) in \(String(format: "%.1f", seconds))s; manifest: \(out)/manifest.csv")
        }
    }
}
