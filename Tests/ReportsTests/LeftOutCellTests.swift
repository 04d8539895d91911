import ExperimentSpec
import Foundation
import Lineage
import Testing
@testable import Reports

/// A cell planned by an older version of a spec stays in the store, but a report of the spec as it stands
/// must not list it as one of the experiment's cells.
@Suite struct LeftOutCellTests {
    /// Two learning rates today; the store also holds a cell of a third rate the spec has since dropped.
    static let spec = Experiment("shrunk") {
        Model.smolLM2_135M
        Dataset.tasks(.english)
        QLoRA.paperDefaults.scaled(steps: 4, batchSize: 2, sourceLength: 16, targetLength: 8)
        Axis(\.optimizer.learningRate, [2e-4, 1e-3])
        Seeds(1)
    }
    static let before = Experiment("shrunk") {
        Model.smolLM2_135M
        Dataset.tasks(.english)
        QLoRA.paperDefaults.scaled(steps: 4, batchSize: 2, sourceLength: 16, targetLength: 8)
        Axis(\.optimizer.learningRate, [2e-4, 5e-4, 1e-3])
        Seeds(1)
    }

    @Test func aCellTheSpecNoLongerDeclaresIsLeftOutAndCounted() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("left-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try LineageStore(path: directory.appendingPathComponent("lineage.sqlite").path)

        // Planned with the older spec: three cells, each with a finished run.
        let cells = try Self.before.cells()
        #expect(cells.count == 3)
        var definitions: [CellDefinition] = []
        for (i, cell) in cells.enumerated() {
            let axes = "{" + cell.axisValues.map { "\"\($0.name)\":\"\($0.value)\"" }.joined(separator: ",") + "}"
            definitions.append(CellDefinition(id: String(format: "cell%08d", i), config: try cell.canonicalJSON(), axisValues: axes))
        }
        try store.recordExperiment(ExperimentRecord(name: "shrunk", description: "", specHash: nil), cells: definitions)
        for (i, definition) in definitions.enumerated() {
            let run = try store.startRun(RunRecord(cell: definition.id, started: Date(), gitCommit: nil, gitDirty: false,
                                                   hostname: "host", pid: nil, blasCore: "Haswell", threads: 1, seed: 0))
            try store.recordFinalMetrics(run: run, ["eval_loss": 2 + Double(i)])
            try store.finishRun(id: run, status: .succeeded, ended: Date())
        }

        let results = try ExperimentResults.load(from: store, subject: try ReportSubject(Self.spec))
        let rates = results.cells.map { $0.axisValues["optimizer.learningRate"] }
        #expect(rates == ["0.0002", "0.001"])
        #expect(results.leftOutCells == 1)
        let markdown = try ReportDocument(results: results, options: ReportOptions(), command: "qlab report shrunk").markdown
        #expect(markdown.contains("1 more cell is recorded for this experiment but no longer declared by its spec"))
        #expect(markdown.contains("2 cells: 2 done"))

        // Without a spec (an experiment only the store knows) every recorded cell is reported.
        let all = try ExperimentResults.load(from: store, subject: ReportSubject(name: "shrunk", axes: ["optimizer.learningRate"]))
        #expect(all.cells.count == 3)
        #expect(all.leftOutCells == 0)
    }
}
