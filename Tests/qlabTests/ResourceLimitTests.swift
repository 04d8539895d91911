import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Command-line values and named files that would exhaust the machine (memory, a core, or forever): each is
/// refused before anything is allocated or opened, as a usage error saying the limit or the estimate, or an
/// error naming the file.
struct ResourceLimitTests {
    let model = CLI.fixture("qlora-reference/tiny-llama/base")
    let batches = CLI.fixture("qlora-reference/tiny-llama/batches.safetensors")
    let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Runs `qlab` and waits at most `seconds` for it; nil when it was still running then (and was killed), so
    /// a command that would block forever fails the test instead of hanging it.
    static func runEnding(_ arguments: [String], within seconds: Double = 300) throws -> CLI.Result? {
        let folder = TrainCommandTests.temporary()
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.currentDirectoryURL = CLI.packageRoot
        // Files, not pipes: a child that never ends must not block the reader too.
        FileManager.default.createFile(atPath: folder + "/out", contents: nil)
        FileManager.default.createFile(atPath: folder + "/err", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/err"))
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        let read = { (name: String) in (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? "" }
        return CLI.Result(status: process.terminationStatus, stdout: read("out"), stderr: read("err"))
    }

    /// A small pairs dataset the tiny model can train on.
    static func dataset() throws -> String {
        let path = TrainCommandTests.temporary() + "/pairs.jsonl"
        try GridRunnerTests.dataset(path, salt: 1)
        return path
    }

    /// Grew to 22.4 GB and was killed by the kernel.
    @Test func aBatchSizeBeyondTheMachinesMemoryIsAUsageErrorWithTheEstimate() throws {
        let result = try CLI.run(["train", "--model", model, "--out", TrainCommandTests.temporary() + "/run", "--data", try Self.dataset(),
                                  "--batch-size", "100000000", "--steps", "1", "--threads", "1"])
        ErrorMessageTests.expectPresented(result, ["--batch-size 100000000 (micro-batches of 100000000 examples of at least",
                                                   "through 2 layers of width 128) needs at least 752.5 GiB of memory (estimated before allocating), more than this machine's"],
                                          status: 64)
    }

    /// Aborted (134) allocating the adapter.
    @Test func aRankBeyondTheMachinesMemoryIsAUsageErrorWithTheEstimate() throws {
        let result = try CLI.run(["train", "--model", model, "--out", TrainCommandTests.temporary() + "/run", "--batches", batches,
                                  "--rank", "100000000", "--steps", "1", "--threads", "1"])
        ErrorMessageTests.expectPresented(result, ["--rank 100000000 over 7 projections in each of 2 layers (A, B, their gradients and two Adam moments) needs at least 6.8 TiB of memory"],
                                          status: 64)
    }

    /// Aborted (134) allocating one rating per model and ordering.
    @Test func orderingsBeyondTheMachinesMemoryAreAUsageErrorWithTheEstimate() throws {
        let result = try CLI.run(["elo", CLI.fixture("elo/battles.jsonl"), "--orderings", "1000000000000"])
        ErrorMessageTests.expectPresented(result, ["--orderings 1000000000000 over", "models needs at least", "TiB of memory"], status: 64)
    }

    /// Trapped (132): an empty stop string held back a negative number of characters.
    @Test func anEmptyStopStringIsAUsageError() throws {
        let result = try CLI.run(["generate", "--model", model, "--prompt", "hi", "--stop", "", "--threads", "1"])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--stop must not be empty"), "\(result.stderr)")
    }

    /// 10000 was silently clamped to 64 and 0 to 1, and the run recorded a thread count it did not use.
    @Test(arguments: ["0", "10000"])
    func threadsOutsideTheCoresAreAUsageError(threads: String) throws {
        let range = "--threads \(threads) is outside 1…\(cores) (the cores of this machine)"
        let train = try CLI.run(["train", "--model", model, "--out", TrainCommandTests.temporary() + "/run", "--batches", batches,
                                 "--steps", "1", "--threads", threads])
        ErrorMessageTests.expectPresented(train, [range], status: 64)
        let generate = try CLI.run(["generate", "--model", model, "--prompt", "hi", "--threads", threads])
        #expect(generate.status == 64 && generate.stderr.contains(range), "\(generate.stderr)")
        let eval = try CLI.run(["eval", "--model", model, "--text", batches, "--threads", threads])
        #expect(eval.status == 64 && eval.stderr.contains(range), "\(eval.stderr)")
    }

    /// `/dev/zero` as data spun forever; refused by its type before it is opened.
    @Test func aCharacterDeviceAsDataIsRefused() throws {
        let result = try #require(try Self.runEnding(["train", "--model", model, "--out", TrainCommandTests.temporary() + "/run",
                                                      "--data", "/dev/zero", "--steps", "1", "--threads", "1"]),
                                  "qlab train --data /dev/zero did not end")
        ErrorMessageTests.expectPresented(result, ["/dev/zero", "is a character device, not a regular file"], status: 1)
    }

    /// A FIFO blocked `open` until a writer came, forever; each file a user names is checked before opening.
    @Test func aFIFOAsDataModelTextOrBattlesIsRefused() throws {
        let folder = TrainCommandTests.temporary()
        let fifo = folder + "/pipe.jsonl", gguf = folder + "/pipe.gguf"
        #expect(mkfifo(fifo, 0o600) == 0 && mkfifo(gguf, 0o600) == 0)
        let commands: [(String, [String])] = [
            ("train --data", ["train", "--model", model, "--out", folder + "/run", "--data", fifo, "--steps", "1", "--threads", "1"]),
            ("train --model", ["train", "--model", gguf, "--out", folder + "/run", "--batches", batches, "--steps", "1", "--threads", "1"]),
            ("train --config", ["train", "--config", fifo, "--out", folder + "/run", "--batches", batches, "--threads", "1"]),
            ("eval --text", ["eval", "--model", model, "--text", fifo, "--threads", "1"]),
            ("elo", ["elo", fifo]),
        ]
        for (label, arguments) in commands {
            guard let result = try Self.runEnding(arguments, within: 120) else {
                Issue.record("\(label) FIFO: still waiting after two minutes")
                continue
            }
            #expect(result.status != 0, "\(label): \(result.stderr)")
            #expect(result.stderr.contains("is a FIFO (named pipe), not a regular file"), "\(label): \(result.stderr)")
            #expect(result.stderr.contains("pipe."), "\(label): \(result.stderr)")
        }
    }
}
