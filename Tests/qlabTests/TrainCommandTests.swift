import ExperimentSpec
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `qlab train` as a user runs it: replaying the reference batches, killed with SIGKILL and resumed.
struct TrainCommandTests {
    let model = CLI.fixture("qlora-reference/tiny-llama/base")
    let batches = CLI.fixture("qlora-reference/tiny-llama/batches.safetensors")
    let initial = CLI.fixture("qlora-reference/tiny-llama/r8_a16_lr1e-3_all_dq/adapter_init")

    func arguments(out: String, steps: Int = 30) -> [String] {
        ["train", "--model", model, "--out", out, "--batches", batches, "--init-adapter", initial,
         "--lr", "1e-3", "--steps", "\(steps)", "--optimizer", "paged-adamw", "--checkpoint-every", "5", "--threads", "1"]
    }

    static func temporary() -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func lines(_ path: String) -> Int {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test func replayPrintsProgressAndWritesTheRunDirectory() throws {
        let out = Self.temporary()
        let result = try CLI.run(arguments(out: out, steps: 6))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("step 6/6  loss"))
        #expect(result.stdout.contains("completed"))
        for file in ["steps.jsonl", "steps.tsv", "summary.json", "config.json", "adapter/adapter_config.json", "adapter/adapter_model.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        #expect(Self.lines(out + "/steps.tsv") == 7)
        // The one config.json format: the canonical text of the settings, as a grid cell's folder holds it.
        let text = try String(contentsOfFile: out + "/config.json", encoding: .utf8)
        let config = try JSONDecoder().decode(TrainingConfig.self, from: Data(text.utf8))
        #expect(text == (try CanonicalJSON.string(config)))
        #expect(!text.contains("\n") && config.steps == 6 && config.optimizer.learningRate == 1e-3)
    }

    @Test func aKilledRunResumesToTheSameBytes() throws {
        let straight = Self.temporary()
        #expect(try CLI.run(arguments(out: straight)).status == 0)

        for killAfter in [7, 10] {
            let out = Self.temporary()
            let process = Process()
            process.executableURL = CLI.executable
            process.arguments = arguments(out: out)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while Self.lines(out + "/steps.jsonl") < killAfter && process.isRunning && Date() < deadline { usleep(2_000) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
            let resumed = try CLI.run(arguments(out: out))
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stdout.contains("resumed from step"))
            let a = try Data(contentsOf: URL(fileURLWithPath: straight + "/adapter/adapter_model.safetensors"))
            let b = try Data(contentsOf: URL(fileURLWithPath: out + "/adapter/adapter_model.safetensors"))
            #expect(a == b, "killed after ≥\(killAfter) steps")
            #expect(Self.lines(out + "/steps.jsonl") == 30)
            // Step, loss, lr and gradient norm agree; the timing columns may not.
            let losses = { (d: String) in try String(contentsOfFile: d + "/steps.tsv", encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: "\t").prefix(4).joined(separator: "\t") } }
            #expect(try losses(straight) == losses(out))
        }
    }

    @Test func badFlagsAreClearErrors() throws {
        let out = Self.temporary()
        let r = try CLI.run(["train", "--model", model, "--out", out, "--batches", batches, "--targets", "q_proj,x_proj"])
        #expect(r.status != 0 && r.stderr.contains("x_proj"))
        let missing = try CLI.run(["train", "--model", model, "--out", out, "--batches", "/no/such.safetensors"])
        #expect(missing.status != 0 && missing.stderr.contains("/no/such.safetensors"))
    }
}

/// `qlab train` refusing work it cannot finish, and telling a blown-up run from a finished one.
struct TrainCommandFailureTests {
    let t = TrainCommandTests()

    /// The fixture holds 40 batches: 100 steps used to train 40, then fail with nothing kept.
    @Test func tooFewBatchesAreRefusedBeforeStepOne() throws {
        let out = TrainCommandTests.temporary() + "/run"
        let result = try CLI.run(t.arguments(out: out, steps: 100))
        #expect(result.status != 0)
        #expect(result.stderr.contains("holds 40 batches") && result.stderr.contains("--steps 100"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/steps.jsonl"), "no step was run")
    }

    @Test func aHugeLearningRateEndsDivergedNotCompleted() throws {
        let out = TrainCommandTests.temporary()
        var arguments = t.arguments(out: out, steps: 6)
        arguments[arguments.firstIndex(of: "1e-3")!] = "1e6"
        let result = try CLI.run(arguments)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("diverged: step "), "\(result.stdout)")
        #expect(!result.stdout.contains("completed"))
        #expect(!FileManager.default.fileExists(atPath: out + "/adapter"))
    }
}
