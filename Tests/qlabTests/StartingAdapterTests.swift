import ExperimentSpec
import Foundation
@testable import Runner
import enum Tensors.BLAS
import Testing

/// `model.adapter`: a cell starts from an existing PEFT adapter (Anima's "continue from Guanaco") instead of a
/// new one. The adapter's content is part of the cell's identity, and its shape must be the cell's.
@Suite(.serialized)
struct StartingAdapterTests {
    static func experiment(_ name: String, data: String, steps: Int, adapter: String? = nil, rank: Int = 4) -> Experiment {
        Experiment(name) {
            Model.path(CLI.fixture("qlora-reference/tiny-llama/base"), parameters: 435_000)
            QLoRA.paperDefaults.scaled(steps: steps, batchSize: 4, sourceLength: 12, targetLength: 6)
            Fix(\.lora.rank, rank)
            Fix(\.lora.dropout, 0)
            Fix(\.optimizer.learningRate, 3e-3)
            Fix(\.gradientCheckpointing, false)
            Fix(\.data.datasets, [data])
            Fix(\.model.adapter, adapter)
        }
    }

    static func firstLoss(_ runner: GridRunner, _ cell: PlannedCell) throws -> Double {
        let text = try String(contentsOfFile: runner.runsRoot + "/" + cell.entry.directory + "/steps.jsonl", encoding: .utf8)
        let first = try #require(text.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        return try #require(object["loss"] as? Double)
    }

    @Test func aCellStartsFromTheAdapterItNames() throws {
        let root = TrainCommandTests.temporary()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/pairs.jsonl"
        try GridRunnerTests.dataset(data, salt: 6)
        // A first adapter, trained 8 steps.
        let first = try GridRunner(experiment: Self.experiment("first", data: data, steps: 8), runsRoot: root + "/runs")
        let firstCell = try #require(try first.plan().first)
        try CellWorker(entry: firstCell.entry, runsRoot: first.runsRoot, threads: BLAS.threads).run(say: { _ in })
        let adapter = first.runsRoot + "/" + firstCell.entry.directory + "/adapter"

        // The same data, seed and first batch: from a new adapter (B = 0, the base's loss) and from the trained one.
        let fresh = try GridRunner(experiment: Self.experiment("fresh", data: data, steps: 1), runsRoot: root + "/runs")
        let freshCell = try #require(try fresh.plan().first)
        try CellWorker(entry: freshCell.entry, runsRoot: fresh.runsRoot, threads: BLAS.threads).run(say: { _ in })
        let continued = try GridRunner(experiment: Self.experiment("continued", data: data, steps: 1, adapter: adapter), runsRoot: root + "/runs")
        let continuedCell = try #require(try continued.plan().first)
        #expect(continuedCell.entry.inputs.contains { $0.role == "init-adapter" && $0.name == adapter && $0.sha256.count == 64 })
        try CellWorker(entry: continuedCell.entry, runsRoot: continued.runsRoot, threads: BLAS.threads).run(say: { _ in })
        let (l0, l1) = (try Self.firstLoss(fresh, freshCell), try Self.firstLoss(continued, continuedCell))
        #expect(l1 < l0 - 0.05, "step-1 loss from the trained adapter \(l1) is not below the new adapter's \(l0)")

        // The adapter's content is in the id: the same name with other bytes is another cell.
        let before = continuedCell.entry.cell
        let weights = adapter + "/adapter_model.safetensors"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: weights))
        let replanned = try GridRunner(experiment: Self.experiment("continued", data: data, steps: 1, adapter: adapter), runsRoot: root + "/other")
        #expect(try #require(try replanned.plan().first).entry.cell != before)
        // A cell without model.adapter keeps the id it had before the setting existed: nil is written nowhere.
        #expect(!freshCell.entry.canonicalConfig.contains("adapter"))

        // Another shape is an error that names both.
        let wrong = try GridRunner(experiment: Self.experiment("wrong", data: data, steps: 1, adapter: adapter, rank: 8), runsRoot: root + "/runs")
        let wrongCell = try #require(try wrong.plan().first)
        #expect {
            try CellWorker(entry: wrongCell.entry, runsRoot: wrong.runsRoot, threads: BLAS.threads).run(say: { _ in })
        } throws: { "\($0)".contains("has r 4") && "\($0)".contains("say r 8") }
    }
}
