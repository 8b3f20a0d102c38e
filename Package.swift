// swift-tools-version:6.0
import PackageDescription

/// Layers, each depending only on those above it in this list:
/// native libraries (CBLAS, CJPEG, CPNG, _FocalCodecShims) → FocalNumerics, FocalImages
/// → FocalBackbone → … → FocalReport → FocalCommands → the `focal` executable.
/// Release builds of the numeric layers: no overflow traps in hot loops, and on
/// x86-64 the Haswell instruction set (AVX2, FMA; every x86 server since 2013),
/// without which SIMD multiply-adds become calls to a scalar fmaf.
#if arch(x86_64)
let cpuFlags = ["-target-cpu", "haswell"]
#else
let cpuFlags: [String] = []
#endif
let release: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"] + cpuFlags, .when(configuration: .release))]

let package = Package(
    name: "Focal",
    products: [
        .executable(name: "focal", targets: ["focal"]),
        .library(name: "FocalBackbone", targets: ["FocalBackbone"]),
        .library(name: "FocalImages", targets: ["FocalImages"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // Each target lists exactly the modules its sources import.

        // MARK: - Public API (the products)

        // Images: decoding, resampling, encoding.
        .target(name: "FocalImages", dependencies: ["_FocalCodecShims"], swiftSettings: release),

        // The backbone: weights, network, preprocessing, embedding pipeline.
        .target(name: "FocalBackbone", dependencies: ["FocalNumerics", "FocalImages", "FocalFiles"], swiftSettings: release),

        // The command line.
        .executableTarget(name: "focal", dependencies: ["FocalCommands"]),

        // MARK: - Implementation details

        // Native libraries (Debian: libopenblas-dev, libjpeg-dev, libpng-dev).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .target(name: "_FocalCodecShims", dependencies: ["CJPEG", "CPNG"]),

        // Numerics: the network's kernels, BLAS, parallel loops, the seeded generator.
        .target(name: "FocalNumerics", dependencies: ["CBLAS"], swiftSettings: release),

        // Files Focal reads and writes: atomic writes, .npy matrices, image folders.
        .target(name: "FocalFiles"),

        // Attribution: where in an image a linear score of its embedding comes from (logit maps, occlusion).
        .target(name: "FocalAttribution", dependencies: ["FocalBackbone", "FocalNumerics", "FocalImages"], swiftSettings: release),

        // Datasets and training: generated scenes with known answers; the concept head.
        .target(name: "FocalScenes", dependencies: ["FocalNumerics", "FocalImages", "FocalFiles"], swiftSettings: release),
        .target(name: "FocalTraining", dependencies: ["FocalNumerics"], swiftSettings: release),
        .target(name: "FocalDatasets", dependencies: [
            "FocalBackbone", "FocalImages", "FocalFiles",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CSV", package: "CSV.swift"),
            .product(name: "Yams", package: "Yams"),
        ]),

        // Concept models: a head trained on a dataset's embeddings, evaluated, compared.
        .target(name: "FocalConcepts", dependencies: ["FocalDatasets", "FocalTraining", "FocalBackbone", "FocalImages", "FocalFiles"]),

        // Dataset health: quantity, learning curves, scope, composition, label issues, duplicates, shift.
        .target(name: "FocalHealth", dependencies: ["FocalConcepts", "FocalTraining", "FocalDatasets", "FocalImages", "FocalNumerics"],
                swiftSettings: release),

        // Explanation: an attribution's map made into evidence regions with names, and pictures of them.
        .target(name: "FocalExplain", dependencies: ["FocalAttribution", "FocalConcepts", "FocalDatasets", "FocalBackbone", "FocalImages",
                                                     "FocalTraining"],
                swiftSettings: release),

        .target(name: "FocalAdvice", dependencies: ["FocalAttribution", "FocalExplain", "FocalConcepts", "FocalDatasets", "FocalTraining", "FocalBackbone",
                                                    "FocalImages", "FocalFiles", "FocalNumerics"],
                swiftSettings: release),

        // Reports: self-contained HTML pages of evaluations, comparisons and explanations.
        .target(name: "FocalReport", dependencies: ["FocalAdvice", "FocalHealth", "FocalConcepts", "FocalExplain", "FocalImages", "FocalFiles", "FocalTraining"]),

        // The commands behind `focal`.
        .target(name: "FocalCommands", dependencies: [
            "FocalBackbone", "FocalImages", "FocalFiles", "FocalScenes", "FocalTraining", "FocalDatasets", "FocalConcepts", "FocalExplain", "FocalAdvice", "FocalHealth",
            "FocalReport", "FocalAttribution",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Benchmarks (run by Benchmarks/run.sh against onnxruntime and Pillow).
        .executableTarget(name: "focal-benchmark", dependencies: ["FocalBackbone", "FocalImages", "FocalNumerics", "FocalScenes", "FocalTraining", "FocalDatasets",
                                                                  "FocalConcepts", "FocalHealth", "FocalExplain", "FocalAttribution"],
                          path: "Benchmarks/Sources/focal-benchmark", swiftSettings: release),

        // MARK: - Test support

        // Helpers the test bundles share: fixed-seed numbers, the repository's paths, temporary folders, sha256sum.
        .target(name: "FocalTestSupport", path: "Tests/FocalTestSupport"),
        // Renders a report page in headless Chromium and reads its self-check.
        .target(name: "FocalBrowserCheck"),

        // MARK: - Unit test bundles
        // The command tests (and FocalScenesTests' synth tests) run the `focal` executable that `swift build` builds beside them.

        .testTarget(name: "FocalImagesTests", dependencies: ["FocalImages"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "FocalNumericsTests", dependencies: ["FocalNumerics", "FocalTestSupport"]),
        .testTarget(name: "FocalBackboneTests", dependencies: ["FocalBackbone", "FocalImages", "FocalNumerics", "FocalTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "FocalAttributionTests", dependencies: ["FocalAttribution", "FocalBackbone", "FocalImages", "FocalTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "FocalFilesTests", dependencies: ["FocalFiles", "FocalTestSupport"]),
        // Seeded mutation fuzzing of every reader of outside bytes.
        .testTarget(name: "FocalFuzzTests", dependencies: ["FocalImages", "FocalDatasets", "FocalTraining", "FocalFiles", "FocalBackbone", "FocalNumerics",
                                                           "FocalTestSupport"]),
        .testTarget(name: "FocalExplainTests", dependencies: ["FocalExplain", "FocalAttribution", "FocalConcepts", "FocalBackbone", "FocalImages", "FocalScenes", "FocalDatasets",
                                                               "FocalTraining", "FocalFiles", "FocalTestSupport"]),
        .testTarget(name: "FocalConceptsTests", dependencies: ["FocalConcepts", "FocalDatasets", "FocalTraining", "FocalBackbone", "FocalImages",
                                                                "FocalTestSupport"]),
        .testTarget(name: "FocalDatasetsTests", dependencies: ["FocalDatasets", "FocalImages", "FocalFiles", "FocalBackbone", "FocalTestSupport"]),
        .testTarget(name: "FocalScenesTests", dependencies: ["FocalScenes", "FocalImages", "FocalBackbone", "FocalNumerics", "FocalFiles", "FocalTestSupport"]),
        .testTarget(name: "FocalTrainingTests", dependencies: ["FocalTraining", "FocalNumerics"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FocalAdviceTests", dependencies: ["FocalAdvice", "FocalConcepts", "FocalDatasets", "FocalTraining", "FocalBackbone", "FocalTestSupport"]),
        .testTarget(name: "FocalHealthTests", dependencies: ["FocalHealth", "FocalConcepts", "FocalDatasets", "FocalTraining",
                                                             "FocalBackbone", "FocalImages", "FocalNumerics", "FocalTestSupport"]),
        .testTarget(name: "FocalCommandsTests", dependencies: ["FocalFiles", "FocalBrowserCheck", "FocalDatasets",
                                                               "FocalTraining", "FocalImages", "FocalTestSupport"]),
        .testTarget(name: "FocalReportTests", dependencies: [
            "FocalReport", "FocalBrowserCheck", "FocalConcepts", "FocalExplain", "FocalTraining", "FocalImages", "FocalFiles",
            "FocalTestSupport",
        ]),
    ],
    // Numeric kernels share raw buffers across worker threads by design; Swift 6's
    // strict Sendable checking cannot express that, so the package uses Swift 5 mode.
    swiftLanguageModes: [.v5]
)
