import Foundation
import GRDB
@testable import Lineage

/// A temporary directory removed when the test's closure returns.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lineage-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// Canonical-looking config text for a cell.
func config(_ learningRate: Double, seed: Int) -> String {
    #"{"optimizer":{"learningRate":\#(learningRate)},"seed":\#(seed)}"#
}

/// An experiment with the given cells recorded in `store`, cells named `cell-0`, `cell-1`, ...
@discardableResult
func recordGrid(_ store: LineageStore, name: String = "learning-rate", cells: Int) throws -> [String] {
    let definitions = (0..<cells).map { index in
        CellDefinition(id: "cell-\(index)", config: config(1e-4 * Double(index + 1), seed: index), axisValues: #"{"optimizer.learningRate":\#(1e-4 * Double(index + 1)),"seed":\#(index)}"#)
    }
    try store.recordExperiment(ExperimentRecord(name: name, description: "Table 9's learning rates", specHash: "spec-1"), cells: definitions)
    return definitions.map(\.id)
}

/// Every row of every table, as text, in a stable order: two equal dumps mean two equal stores.
func dump(_ store: LineageStore) throws -> [String] {
    try store.pool.read { db in
        var lines: [String] = []
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        for table in tables {
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") {
                lines.append("\(table): \(row.description)")
            }
        }
        return lines.sorted()
    }
}

/// The test worker executable, built beside the test bundle.
func workerURL() throws -> URL {
    if let path = ProcessInfo.processInfo.environment["LINEAGE_TEST_WORKER"] {
        return URL(fileURLWithPath: path)
    }
    let executable = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    var directory = executable.deletingLastPathComponent()
    // The test binary may sit inside a bundle directory (…/X.xctest/Contents/MacOS) or beside the products.
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("LineageTestWorker")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    throw LineageError.missingFile(path: "LineageTestWorker near \(executable.path)")
}

/// Starts the worker with `arguments`, its standard output in a pipe.
func startWorker(_ arguments: [String]) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = try workerURL()
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    return (process, output)
}
