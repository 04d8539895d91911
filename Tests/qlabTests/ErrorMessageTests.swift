import Foundation
import Testing

/// What a user reads when something is wrong: `qlab: error: PATH: what is wrong`, no framework dumps, no
/// usage line for a value that parsed, and a way out where there is one.
struct ErrorMessageTests {
    let t = TrainCommandTests()

    static func expectPresented(_ result: CLI.Result, _ fragments: [String], status: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        // Progress lines (the BLAS kernel, the model) may come first; the error is the rest, from its own line.
        let error = result.stderr.range(of: "qlab: error: ").map { String(result.stderr[$0.lowerBound...]) } ?? ""
        #expect(result.stderr.hasPrefix("qlab: error: ") || result.stderr.contains("\nqlab: error: "), "\(result.stderr)",
                sourceLocation: sourceLocation)
        for fragment in fragments { #expect(error.contains(fragment), "\(result.stderr)", sourceLocation: sourceLocation) }
        for noise in ["NSCocoaErrorDomain", "Error Domain", "EncodingError", "Usage:", "<subcommand>"] {
            #expect(!result.stderr.contains(noise), "\(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    /// Help goes through swift-argument-parser's own presentation, not the error presenter.
    @Test func helpIsHelpNotAnError() throws {
        for arguments in [["train", "--help"], ["help", "train"], ["--help"]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("USAGE: qlab"), "\(arguments): \(result.stdout)")
            #expect(!result.stderr.contains("qlab: error"), "\(arguments): \(result.stderr)")
        }
    }

    @Test func anOutputPathThatIsAFileNamesItWithoutAFoundationDump() throws {
        let file = TrainCommandTests.temporary() + "/taken"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let result = try CLI.run(t.arguments(out: file, steps: 2))
        Self.expectPresented(result, [file + ": "], status: 1)
    }

    @Test func anInfiniteLearningRateIsRefusedBeforeAnythingIsWritten() throws {
        let out = TrainCommandTests.temporary() + "/run"
        var arguments = t.arguments(out: out, steps: 2)
        arguments[arguments.firstIndex(of: "1e-3")!] = "inf"
        Self.expectPresented(try CLI.run(arguments), ["--lr must be a positive finite number"], status: 64)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func aNegativeStepCountIsReadAsANumber() throws {
        let out = TrainCommandTests.temporary() + "/run"
        var arguments = t.arguments(out: out, steps: 2)
        arguments[arguments.firstIndex(of: "2")!] = "-1"
        let result = try CLI.run(arguments)
        Self.expectPresented(result, ["--steps must be at least 1"], status: 64)
        #expect(!result.stderr.contains("Missing value"))
    }

    @Test func aCorruptStoreSaysHowToRebuildIt() throws {
        let runs = TrainCommandTests.temporary()
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: runs + "/lineage.sqlite"))
        let result = try CLI.run(["runs", "--runs", runs])
        Self.expectPresented(result, [runs + "/lineage.sqlite", "qlab ingest " + runs + "/EXPERIMENT"], status: 1)
    }

    @Test func anEmptyBattleFileIsAnErrorNotAnEmptyTable() throws {
        let file = TrainCommandTests.temporary() + "/battles.jsonl"
        FileManager.default.createFile(atPath: file, contents: Data())
        Self.expectPresented(try CLI.run(["elo", file]), [file + ": no battles"], status: 64)
    }
}

extension ErrorMessageTests {
    /// A config.json that declares fewer layers than the checkpoint holds used to run on part of the model.
    @Test func aConfigWithFewerLayersThanTheCheckpointIsRefused() throws {
        let model = TrainCommandTests.temporary() + "/model"
        try FileManager.default.copyItem(atPath: CLI.fixture("qlora-reference/tiny-llama/base"), toPath: model)
        let configPath = model + "/config.json"
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: configPath))) as? [String: Any])
        let layers = try #require(config["num_hidden_layers"] as? Int)
        config["num_hidden_layers"] = layers - 1
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
        var arguments = t.arguments(out: TrainCommandTests.temporary() + "/run", steps: 2)
        arguments[arguments.firstIndex(of: "--model")! + 1] = model
        arguments.removeSubrange(arguments.firstIndex(of: "--init-adapter")!...arguments.firstIndex(of: "--init-adapter")! + 1)
        Self.expectPresented(try CLI.run(arguments), [model + ": holds more layers than num_hidden_layers = \(layers - 1)"], status: 1)
    }
}
