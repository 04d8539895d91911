// swift-tools-version: 6.1
// Speed and memory measurements of qlora-lab, kept in their own package so that the main build and the
// tests never compile the benchmark framework. Run with `make bench` or
// `cd Benchmarks && swift package --allow-writing-to-package-directory benchmark`.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which depends on where the repository was cloned.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "qlora-lab-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Kernels",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Tensors", package: root),
                .product(name: "Quantization", package: root),
            ],
            path: "Benchmarks/Kernels",
            swiftSettings: [.unsafeFlags(["-Ounchecked"])],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TrainingThroughput",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Tensors", package: root),
                .product(name: "Quantization", package: root),
                .product(name: "GGUF", package: root),
                .product(name: "Tokenizers", package: root),
                .product(name: "Models", package: root),
                .product(name: "Datasets", package: root),
                .product(name: "Training", package: root),
                .product(name: "ExperimentSpec", package: root),
            ],
            path: "Benchmarks/TrainingThroughput",
            swiftSettings: [.unsafeFlags(["-Ounchecked"])],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Planning",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ExperimentSpec", package: root),
                .product(name: "Experiments", package: root),
                .product(name: "Runner", package: root),
            ],
            path: "Benchmarks/Planning",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
