import ExperimentSpec
import Foundation
import Lineage
import Runner
import Testing

/// `qlab show CELL`: the configuration as an indented tree, one setting a line.
struct ShowCommandTests {
    @Test func theConfigurationIsAnIndentedTree() throws {
        let f = try GridRunnerTests.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let runs = f.root + "/runs"
        // Planning records the cells in the store, which is all `show` needs.
        let cell = try #require(try GridRunner(experiment: f.experiment, runsRoot: runs).plan().last)
        let result = try CLI.run(["show", cell.entry.cell, "--runs", runs])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: "config:"))
        let tree = Array(lines[(start + 1)...].prefix { $0.hasPrefix("  ") })
        // Sorted keys, nested settings two spaces deeper than their group, lists of scalars on one line.
        #expect(tree.first == "  batchSize: 4", "\(tree)")
        let lora = try #require(tree.firstIndex(of: "  lora:"))
        #expect(tree[(lora + 1)...].contains("    rank: 8"))
        #expect(tree.contains("    targets: [q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]"), "\(tree)")
        #expect(tree.contains("    learningRate: 0.001"))
        #expect(tree.contains("  evaluation:") && tree.contains("    tournament:") && tree.contains("      judge: reference"), "\(tree)")
        #expect(tree.count > 40 && tree.allSatisfy { $0.count < 120 }, "one setting a line, not one long line")
        // The one-line form is gone.
        let config = try CanonicalJSON.string(cell.entry.config)
        #expect(!lines.contains { $0.contains(config) })
    }

    /// `qlab show --model`: the family and its block, read from a GGUF file's metadata or a checkpoint's config.json.
    @Test func aModelShowsItsFamilyAndBlock() throws {
        let gguf = try CLI.run(["show", "--model", CLI.fixture("qlora-reference/tiny-qwen2/model.gguf")])
        #expect(gguf.status == 0, "\(gguf.stderr)")
        let lines = gguf.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("family") && $0.hasSuffix(" qwen2") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("block") && $0.contains("biases on the query, key and value projections") })
        #expect(lines.contains { $0.hasPrefix("heads") && $0.hasSuffix("4 query, 2 key/value, 16 wide") })
        let json = try CLI.run(["show", "--model", CLI.fixture("qlora-reference/tiny-gemma3/base"), "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: String]
        #expect(object?["family"] == "gemma3" && object?["training"] == "LoRA, QLoRA", "\(json.stdout)")
        // A cell and a model at once, or neither, is a usage error.
        #expect(try CLI.run(["show"]).status != 0)
    }

    /// A store with cells whose ids share prefixes, in two experiments.
    private func storeWithSiblings() throws -> String {
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-show-\(UUID().uuidString)").path
        let store = try LineageStore(path: runs + "/lineage.sqlite")
        let ids = ["abc1" + String(repeating: "0", count: 60), "abc2" + String(repeating: "0", count: 60), "ff00" + String(repeating: "1", count: 60)]
        try store.recordExperiment(ExperimentRecord(name: "one", description: "", specHash: nil),
                                   cells: ids.prefix(2).enumerated().map { CellDefinition(id: $1, config: "{\"n\":\($0)}", axisValues: "{}") })
        try store.recordExperiment(ExperimentRecord(name: "two", description: "", specHash: nil),
                                   cells: [CellDefinition(id: ids[1], config: "{\"n\":1}", axisValues: "{}"),
                                           CellDefinition(id: ids[2], config: "{\"n\":2}", axisValues: "{}")])
        return runs
    }

    @Test func everyCommandResolvesAPrefixAlikeAndAnAmbiguousOneListsItsMatches() throws {
        let runs = try storeWithSiblings()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        for command in ["show", "rerun"] {
            let ambiguous = try CLI.run([command, "abc", "--runs", runs])
            #expect(ambiguous.status == 64, "\(command): \(ambiguous.stderr)")
            #expect(ambiguous.stderr.contains("abc matches 2 cells; give more digits"), "\(command): \(ambiguous.stderr)")
            #expect(ambiguous.stderr.contains("abc1\(String(repeating: "0", count: 60)) (one)"), "\(command): \(ambiguous.stderr)")
            #expect(ambiguous.stderr.contains("abc2\(String(repeating: "0", count: 60)) (one, two)"), "\(command): \(ambiguous.stderr)")
            let notHex = try CLI.run([command, "smoke", "--runs", runs])
            #expect(notHex.status == 64 && notHex.stderr.contains("smoke is not a cell id"), "\(command): \(notHex.stderr)")
        }
        // Upper case is the same id; a unique prefix is the cell.
        let shown = try CLI.run(["show", "FF0", "--runs", runs])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.hasPrefix("cell ff00"), "\(shown.stdout)")
    }

    @Test func metricsAreOneALineToFourDigits() throws {
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-show-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let data = try FinishedCells.smokeData(beside: runs)
        defer { try? FileManager.default.removeItem(atPath: data.folder) }
        let cells = try FinishedCells.make("smoke", runs: runs, environment: data.environment)
        let cell = try #require(cells.dropFirst().first)
        // `plan` ingests the finished folders.
        _ = try CLI.run(["plan", "smoke", "--runs", runs], environment: data.environment)
        let result = try CLI.run(["show", cell.id, "--runs", runs])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex(of: "  metrics:"), "\(result.stdout)")
        // The second finished cell has eval_loss 2.125 and 40 steps: aligned, integers whole.
        #expect(lines[start + 1] == "    eval_loss  2.125", "\(lines[start...])")
        #expect(lines[start + 2] == "    steps      40", "\(lines[start...])")
    }
}
