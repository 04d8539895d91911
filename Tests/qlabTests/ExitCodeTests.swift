import Foundation
import Lineage
import Testing

/// The README's exit statuses: 64 for a command-line value that is not acceptable, in every command that takes an
/// experiment name, a cell, a `--set` key or an `--only` filter.
struct ExitCodeTests {
    /// A runs folder with an (empty) store, so that commands reading one get as far as the name.
    private func runsWithStore() throws -> String {
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-exit-\(UUID().uuidString)").path
        _ = try LineageStore(path: runs + "/lineage.sqlite")
        return runs
    }

    @Test func aMisspeltExperimentNameIs64AndSuggestsTheNearest() throws {
        let runs = try runsWithStore()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        for command in ["plan", "run", "report", "export", "tournament", "runs", "rm"] {
            var arguments = [command, "smoek", "--runs", runs]
            if command == "report" { arguments += ["--out", runs + "/report"] }
            let result = try CLI.run(arguments)
            #expect(result.status == 64, "\(command): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("no experiment named \"smoek\""), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("did you mean \"smoke\"?"), "\(command): \(result.stderr)")
        }
        // A declared experiment without runs is not a mistake.
        let runsOfSmoke = try CLI.run(["runs", "smoke", "--runs", runs])
        #expect(runsOfSmoke.status == 0, "\(runsOfSmoke.stderr)")
    }

    @Test func anUnknownCellIs64() throws {
        let runs = try runsWithStore()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        for command in ["rerun", "show"] {
            let result = try CLI.run([command, "0123abcd", "--runs", runs])
            #expect(result.status == 64, "\(command): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("no cell starts with 0123abcd"), "\(command): \(result.stderr)")
        }
    }

    @Test func aBadSetKeyOrValueIs64() throws {
        let runs = try runsWithStore()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        for command in ["plan", "run"] {
            let key = try CLI.run([command, "smoke", "--runs", runs, "--set", "optimizer.learningrate=1e-4"])
            #expect(key.status == 64, "\(command): \(key.stderr)")
            #expect(key.stderr.contains("no setting optimizer.learningrate; did you mean optimizer.learningRate?"), "\(command): \(key.stderr)")
            let value = try CLI.run([command, "smoke", "--runs", runs, "--set", "steps=many"])
            #expect(value.status == 64, "\(command): \(value.stderr)")
            let syntax = try CLI.run([command, "smoke", "--runs", runs, "--set", "steps"])
            #expect(syntax.status == 64, "\(command): \(syntax.stderr)")
            let word = try CLI.run([command, "smoke", "--runs", runs, "--set", "model.quantization=nf5"])
            #expect(word.status == 64, "\(command): \(word.stderr)")
            #expect(word.stderr.contains("model.quantization=nf5: model.quantization expects one of nf4, fp4, int4, none"), "\(command): \(word.stderr)")
        }
        // Recorded overrides that no longer apply are the record's fault, not the command line's.
        try FileManager.default.createDirectory(atPath: runs + "/smoke", withIntermediateDirectories: true)
        try #"{"fixed": ["optimizer.lr=1e-4"], "axes": []}"#.write(toFile: runs + "/smoke/overrides.json", atomically: true, encoding: .utf8)
        let recorded = try CLI.run(["plan", "smoke", "--runs", runs])
        #expect(recorded.status == 1, "\(recorded.stderr)")
    }

    @Test func anOnlyThatMatchesNoAxisOrValueIs64() throws {
        let runs = try runsWithStore()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        for command in ["plan", "run"] {
            let axis = try CLI.run([command, "smoke", "--runs", runs, "--only", "rnak=8"])
            #expect(axis.status == 64, "\(command): \(axis.stderr)")
            #expect(axis.stderr.contains("--only rnak=…: the experiment has no such axis; its axes: optimizer.learningRate, lora.rank"), "\(command): \(axis.stderr)")
        }
        let value = try CLI.run(["plan", "smoke", "--runs", runs, "--only", "lora.rank=9"])
        #expect(value.status == 64, "\(value.stderr)")
        #expect(value.stderr.contains("--only lora.rank=9: no cell has that value; its values: 8, 16"), "\(value.stderr)")
    }
}
