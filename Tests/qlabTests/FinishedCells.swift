import ExperimentSpec
import Foundation
import Lineage

/// Cell folders that look like a finished grid's, made from `qlab plan NAME --json` without training: a succeeded
/// run with a log, final metrics, an adapter file and its inputs in each. `qlab plan` ingests them as it would a
/// real run's.
enum FinishedCells {
    struct Cell {
        let id: String
        let axes: [String: String]
        let folder: String
    }

    /// The generated tasks smoke reads, prepared into `runs-data` beside `runs` (the other sources are not
    /// needed), so a test does not depend on a `qlab data prepare` run in the checkout; returns that folder and
    /// the environment that points qlab at it. The caller removes the folder.
    static func smokeData(beside runs: String) throws -> (folder: String, environment: [String: String]) {
        let data = runs + "-data"
        let prepared = try CLI.run(["data", "prepare", "--data", data, "--downloads", runs + "/none", "--fortunes", runs + "/none"])
        guard FileManager.default.fileExists(atPath: data + "/tasks-en/eval.jsonl") else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "data prepare made no tasks: \(prepared.stderr)"])
        }
        return (data, ["QLAB_DATA": data])
    }

    /// The cells of `name` as planned (with `arguments`, e.g. `--set`), each written as a finished cell folder
    /// under `runs/NAME/`.
    static func make(_ name: String, runs: String, arguments: [String] = [], environment: [String: String] = [:]) throws -> [Cell] {
        let planned = try CLI.run(["plan", name, "--json", "--runs", runs] + arguments, environment: environment)
        guard planned.status == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: planned.stderr]) }
        let objects = try JSONSerialization.jsonObject(with: Data(planned.stdout.utf8)) as! [[String: Any]]
        var cells: [Cell] = []
        for (i, object) in objects.enumerated() where object["status"] as? String != "stale" {
            let id = object["id"] as! String
            var axes: [String: String] = [:]
            for pair in object["axes"] as! [[String: String]] { axes[pair["name"]!] = pair["value"]! }
            let folder = runs + "/" + name + "/" + id
            let directory = CellDirectory(url: URL(fileURLWithPath: folder))
            try directory.create()
            // The canonical text, as a worker writes it: the store compares it with the planned cell's.
            let config = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object["config"]!))
            try directory.writeConfig(try CanonicalJSON.string(config))
            try "trained\n".write(toFile: folder + "/cell.log", atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: folder + "/adapter", withIntermediateDirectories: true)
            try Data("weights \(id)".utf8).write(to: URL(fileURLWithPath: folder + "/adapter/adapter_model.safetensors"))
            try directory.writeArtifacts([ArtifactEntry(path: "adapter/adapter_model.safetensors", kind: .adapter,
                                                        sha256: String(repeating: "c", count: 64))])
            try directory.writeMetrics(FinalMetricsFile(metrics: ["eval_loss": 2.0 + 0.125 * Double(i), "steps": 40]))
            let started = Date(timeIntervalSince1970: 1_800_000_000 + Double(i) * 100)
            try directory.writeRun(RunFile(
                id: UUID().uuidString.lowercased(), experiment: name, cell: id, axisValues: axes.mapValues { .string($0) },
                status: .succeeded, started: started, ended: started.addingTimeInterval(60), hostname: "elsewhere",
                blasCore: "Haswell", threads: 1, seed: 0, log: "cell.log",
                inputs: [InputEntry(role: .baseModel, path: "models/base.gguf", sha256: String(repeating: "a", count: 64))]))
            cells.append(Cell(id: id, axes: axes, folder: folder))
        }
        return cells
    }

    /// `qlab plan NAME --json`'s cells as id → status.
    static func statuses(_ name: String, runs: String, arguments: [String] = [], environment: [String: String] = [:]) throws -> [String: String] {
        let planned = try CLI.run(["plan", name, "--json", "--runs", runs] + arguments, environment: environment)
        guard planned.status == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: planned.stderr]) }
        let objects = try JSONSerialization.jsonObject(with: Data(planned.stdout.utf8)) as! [[String: Any]]
        var statuses: [String: String] = [:]
        for object in objects { statuses[object["id"] as! String] = object["status"] as? String }
        return statuses
    }
}
