import ExperimentSpec
import Foundation
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
}
