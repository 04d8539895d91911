// swift-tools-version: 6.1
import PackageDescription

// Every module keeps Swift's bounds and overflow checks in release builds, the file readers in the numeric modules
// (GGUF, safetensors, tokenizer.json, templates, adapters, checkpoints) included, so that their preconditions also
// run in `make test`. Dropping the checks in Tensors, Quantization, the model modules and Training (`-Ounchecked`) bought about
// 1% of training speed (148 against 147 tokens/s, `qlab train` on chatterbot-en, three alternating runs on a
// 2-core AMD Zen 5): the inner loops run on unsafe pointers, which are never bounds-checked, and the matrix
// products in the BLAS. `-wmo` stays for the numeric modules.
let optimize: [SwiftSetting] = [.unsafeFlags(["-wmo"], .when(configuration: .release))]
let checked: [SwiftSetting] = []

let package = Package(
    name: "qlora-lab",
    products: [
        .executable(name: "qlab", targets: ["qlab"]),
        .library(name: "Tensors", targets: ["Tensors"]),
        .library(name: "Quantization", targets: ["Quantization"]),
        .library(name: "GGUF", targets: ["GGUF"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "ExperimentSpec", targets: ["ExperimentSpec"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .library(name: "Runner", targets: ["Runner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // oneDNN's C API: the second matrix-product backend (`--matmul onednn`), installed by scripts/setup.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        // CPUID and XCR0, header-only: which vector instructions the processor and the OS offer.
        .systemLibrary(name: "CCPUID"),
        // prctl(PR_SET_PDEATHSIG), which Swift cannot call directly (it is variadic).
        .systemLibrary(name: "CProcessControl"),
        // What every layer needs and nothing numeric: durable atomic files, file errors, running external
        // programs, diagnostics.
        .target(name: "Support", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(name: "Tensors", dependencies: ["CBLAS", "CDNNL", "CCPUID", "Support"], swiftSettings: optimize),
        .target(name: "Quantization", dependencies: ["Tensors"], swiftSettings: optimize),
        // The GGUF file format: header, metadata, tensor directory, writing, and dequantization of its block types.
        .target(name: "GGUF", dependencies: ["Tensors"], swiftSettings: optimize),
        // Vocabularies and chat turns: byte-level BPE, SentencePiece (BPE and unigram) from GGUF, tokenizer.json and
        // tokenizer.model files, special tokens, chat templates. Knows no model family.
        .target(name: "Tokenizers", dependencies: ["Support", "Tensors", "GGUF"], swiftSettings: optimize),
        // The model families (LLaMA, Gemma 3, Qwen2): their configuration, blocks, loading from Hugging Face and GGUF
        // files, frozen (quantized) projections, LoRA adapters and merging, inference and generation.
        .target(name: "Models", dependencies: ["Support", "Tensors", "Quantization", "GGUF", "Tokenizers"], swiftSettings: optimize),
        .target(name: "ExperimentSpec", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: checked),
        .target(name: "Experiments", dependencies: ["ExperimentSpec"], path: "Experiments"),
        // Dataset formats and readers, the preparation of the real sources, the catalog, the collator and the
        // batch order: everything the trainer reads comes through here. Named Datasets, not Data, which would
        // clash with Foundation's `Data`.
        .target(
            name: "Datasets",
            dependencies: ["Support", "Tensors", "Tokenizers", "ExperimentSpec", "Yams", "ZIPFoundation"],
            swiftSettings: checked
        ),
        .target(
            name: "Training",
            dependencies: ["Support", "Tensors", "Quantization", "Tokenizers", "Models", "ExperimentSpec", "Datasets"],
            swiftSettings: optimize
        ),
        // Model-based evaluation (held-out loss set-up, perplexity, exact answers, multiple choice, tournament
        // answers) beside the statistics and judges; Runner only calls it. Built with its checks: it reads user
        // files and judges' output, and the arithmetic it asks for runs in Models and Tensors.
        .target(name: "Evaluation", dependencies: ["Support", "Tensors", "Tokenizers", "Models", "ExperimentSpec", "Datasets"], swiftSettings: checked),
        .target(name: "Lineage", dependencies: ["Support", .product(name: "GRDB", package: "GRDB.swift")]),
        // Writes into a store from a separate process, so the tests can run several writers and SIGKILL one.
        .executableTarget(name: "LineageTestWorker", dependencies: ["Lineage"]),
        .target(
            name: "Runner",
            dependencies: ["Support", "Tensors", "Quantization", "Tokenizers", "Models", "Datasets", "Training", "ExperimentSpec", "Evaluation", "Lineage", "CProcessControl"],
            swiftSettings: checked
        ),
        // Coordinates a small grid from a separate process, so the tests can run two at once, signal or kill one.
        .executableTarget(name: "RunnerTestCoordinator", dependencies: ["Runner", "ExperimentSpec"]),
        .target(name: "Reports", dependencies: ["Support", "Lineage", "ExperimentSpec"]),
        .executableTarget(
            name: "qlab",
            dependencies: [
                "Tensors", "Quantization", "Tokenizers", "Models", "Datasets", "Training", "ExperimentSpec", "Experiments", "Evaluation",
                "Lineage", "Runner", "Reports", "Support", "ZIPFoundation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: checked
        ),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors"], resources: []),
        .testTarget(name: "QuantizationTests", dependencies: ["Quantization", "Tensors"]),
        .testTarget(name: "ModelsTests", dependencies: ["GGUF", "Tokenizers", "Models", "Quantization", "Tensors", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Tokenizers", "Tensors", "ExperimentSpec"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Datasets", "Models", "Quantization", "Tensors", "ExperimentSpec", "Support"]),
        .testTarget(name: "ExperimentSpecTests", dependencies: ["ExperimentSpec", "Experiments"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Tensors", "Tokenizers", "Models", "Datasets", "Support"]),
        .testTarget(name: "qlabTests", dependencies: ["qlab", "RunnerTestCoordinator", "Runner", "ExperimentSpec", "Evaluation", "Lineage", "Support", "Tensors", "ZIPFoundation"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Lineage", "ExperimentSpec", "Support"]),
        .testTarget(name: "LineageTests", dependencies: ["Lineage", "LineageTestWorker", "Support", .product(name: "GRDB", package: "GRDB.swift")]),
    ],
    swiftLanguageModes: [.v6]
)
