import Support
import Foundation
import GRDB

extension LineageStore {
    /// (Re)builds the store rows of one cell directory from its files; ingesting the same files again changes nothing.
    ///
    /// The files are the truth: the run's row, metrics, artifacts and inputs are made to match them exactly.
    @discardableResult
    public func ingest(directory: URL) throws -> IngestSummary {
        let cellDirectory = CellDirectory(url: directory)
        let config = try cellDirectory.readConfig()
        let runFile = try cellDirectory.readRun()
        let (steps, cutOff) = try cellDirectory.readSteps()
        let final = try cellDirectory.readMetrics()?.metrics ?? [:]
        let runPath = cellDirectory.file(CellDirectory.runFile).path
        // A cell directory may come from another machine: its names must not lead out of the runs folder.
        guard CellDirectory.isPlainName(runFile.experiment) else {
            throw LineageError.malformedFile(path: runPath, line: nil, message: "experiment \(runFile.experiment.debugDescription) is not a plain name (letters, digits, - and _)")
        }
        guard CellDirectory.isPlainName(runFile.cell) else {
            throw LineageError.malformedFile(path: runPath, line: nil, message: "cell \(runFile.cell.debugDescription) is not a plain name (letters, digits, - and _)")
        }
        let artifacts = try cellDirectory.readArtifacts().map { entry in
            let url = try cellDirectory.inside(entry.path, listedIn: cellDirectory.file(CellDirectory.artifactsFile).path)
            let bytes = try entry.bytes ?? Self.fileSize(url)
            return ArtifactRecord(path: paths.relative(url.path), kind: entry.kind, sha256: entry.sha256.lowercased(), bytes: bytes, run: runFile.id)
        }
        guard runFile.formatVersion <= RunFile.currentFormatVersion else {
            throw LineageError.malformedFile(
                path: cellDirectory.file(CellDirectory.runFile).path, line: nil,
                message: "format version \(runFile.formatVersion) is newer than this build reads (\(RunFile.currentFormatVersion))")
        }
        let run = RunRecord(
            facts: runFile.facts,
            logPath: try runFile.log.map { paths.relative(try cellDirectory.inside($0, listedIn: runPath).path) })
        var points = steps.flatMap(\.metricPoints)
        points += final.sorted { $0.key < $1.key }.map { MetricPoint(step: nil, name: $0.key, value: $0.value) }
        let inputs = runFile.inputs.map { InputRecord(run: runFile.id, role: $0.role, path: paths.kept($0.path), sha256: $0.sha256.lowercased()) }

        try perform("ingest \(cellDirectory.url.path)") {
            try pool.write { db in
                // First recordings take the run's start as their creation time, so a rebuilt store equals the original.
                try Self.upsertExperiment(db, ExperimentRecord(name: runFile.experiment, description: "", specHash: nil, created: runFile.started), updating: false)
                try Self.insertCell(db, CellRecord(id: runFile.cell, config: config, created: runFile.started))
                try ExperimentCellRecord(experiment: runFile.experiment, cell: runFile.cell, axisValues: JSONValue.object(runFile.axisValues).canonicalText()).upsert(db)
                try run.upsert(db)
                try Self.replaceMetrics(db, run: run.id, with: points)
                try Self.replaceArtifacts(db, run: run.id, with: artifacts)
                try db.execute(sql: "DELETE FROM inputs WHERE run = ?", arguments: [run.id])
                for input in inputs { try Self.upsertInput(db, input) }
            }
        }
        return IngestSummary(
            run: run.id, cell: run.cell, experiment: runFile.experiment, steps: steps.count, finalMetrics: final.count,
            artifacts: artifacts.count, inputs: inputs.count, stepLogCutOff: cutOff)
    }

    /// Ingests every cell directory under `runsRoot/experiment/` (each subdirectory holding a `run.json`).
    public func ingest(experimentDirectory: URL) throws -> [IngestSummary] {
        let children: [URL]
        do {
            children = try FileManager.default.contentsOfDirectory(at: experimentDirectory, includingPropertiesForKeys: nil)
        } catch {
            throw LineageError.fileAccess(path: experimentDirectory.path, message: "\(error)")
        }
        return try children
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent(CellDirectory.runFile).path) }
            .sorted { $0.path < $1.path }
            .map { try ingest(directory: $0) }
    }

    private static func fileSize(_ url: URL) throws -> Int64 {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return (attributes[.size] as? NSNumber)?.int64Value ?? 0
        } catch {
            throw LineageError.fileAccess(path: url.path, message: "artifact without a size in artifacts.json and not on disk: \(error)")
        }
    }

    /// Upserts the points and deletes the run's other metrics, leaving untouched rows as they were.
    private static func replaceMetrics(_ db: Database, run: String, with points: [MetricPoint]) throws {
        _ = try insertMetrics(db, run: run, points)
        struct Key: Hashable { var name: String; var step: Int? }
        let wanted = Set(points.map { Key(name: $0.name, step: $0.step) })
        for row in try Row.fetchAll(db, sql: "SELECT name, step FROM metrics WHERE run = ?", arguments: [run]) {
            let key = Key(name: row["name"], step: row["step"])
            if !wanted.contains(key) {
                try db.execute(sql: "DELETE FROM metrics WHERE run = ? AND name = ? AND coalesce(step, -1) = coalesce(?, -1)", arguments: [run, key.name, key.step])
            }
        }
    }

    /// Upserts the artifacts (keeping their row ids) and deletes the run's others.
    private static func replaceArtifacts(_ db: Database, run: String, with artifacts: [ArtifactRecord]) throws {
        for artifact in artifacts { try upsertArtifact(db, artifact) }
        let wanted = Set(artifacts.map(\.path))
        for path in try String.fetchAll(db, sql: "SELECT path FROM artifacts WHERE run = ?", arguments: [run]) where !wanted.contains(path) {
            try db.execute(sql: "DELETE FROM artifacts WHERE run = ? AND path = ?", arguments: [run, path])
        }
    }
}
