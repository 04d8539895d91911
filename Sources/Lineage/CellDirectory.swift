#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Support

/// A cell's own files in `runs/NAME/CELL/`: what a worker writes and what `LineageStore.ingest` reads.
///
/// - `config.json`: the canonical configuration (the text the cell hash was computed from)
/// - `run.json`: `RunFile`, rewritten whole (atomically) when the run starts and when it ends
/// - `steps.jsonl`: one `StepLine` per line, appended as steps finish; a line cut off by a kill is ignored.
///   It is the step log of the run in `run.json`; a run resumed from a checkpoint first truncates it to the
///   checkpoint's step, so the log ends up as an uninterrupted run's would.
/// - `metrics.json`: `FinalMetricsFile`, written once the run is evaluated
/// - `artifacts.json`: an array of `ArtifactEntry`, paths relative to the directory
///
/// Whole files are written with `AtomicFile` (temporary file, fsync, rename, fsync of the directory), so a
/// reader sees the old or the new file and a crash loses neither.
public struct CellDirectory: Sendable, Equatable {
    /// The canonical configuration.
    public static let configFile = "config.json"
    /// The run record.
    public static let runFile = "run.json"
    /// The step log.
    public static let stepsFile = "steps.jsonl"
    /// The final metrics.
    public static let metricsFile = "metrics.json"
    /// The produced files.
    public static let artifactsFile = "artifacts.json"

    /// The directory.
    public let url: URL

    /// The directory at `url` (absolute, standardized).
    public init(url: URL) {
        self.url = url.standardizedFileURL
    }

    /// `runsRoot/experiment/cell`, the runner's layout.
    public init(runsRoot: URL, experiment: String, cell: String) {
        self.init(url: runsRoot.appendingPathComponent(experiment, isDirectory: true).appendingPathComponent(cell, isDirectory: true))
    }

    /// The URL of a file in the directory.
    public func file(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }

    // MARK: - Writing

    /// Creates the directory if needed.
    public func create() throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw LineageError.fileAccess(path: url.path, message: "\(error)")
        }
    }

    /// Writes `config.json`.
    public func writeConfig(_ canonicalJSON: String) throws {
        try writeAtomically(Data(canonicalJSON.utf8), to: Self.configFile)
    }

    /// Writes `run.json`.
    ///
    /// On a full disk, where the temporary file of an atomic write cannot be made, the file is rewritten in
    /// place instead: a run that failed for want of space must still say so, and the new record fits in
    /// the blocks the old one holds.
    public func writeRun(_ run: RunFile) throws {
        let data = try encode(run, file: Self.runFile, pretty: true)
        do {
            try AtomicFile.write(data, to: file(Self.runFile).path)
        } catch let error as FileError where error.isOutOfSpace {
            try overwriteInPlace(data, name: Self.runFile, after: error)
        } catch let error as FileError {
            throw LineageError.fileAccess(path: file(Self.runFile).path, message: error.message)
        }
    }

    private func overwriteInPlace(_ data: Data, name: String, after error: FileError) throws {
        let path = file(name).path
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LineageError.noSpace(path: path) }
        defer { close(fd) }
        do {
            try data.withUnsafeBytes { try AtomicFile.writeAll(fd: fd, $0, path: path) }
        } catch {
            throw LineageError.noSpace(path: path)
        }
        guard ftruncate(fd, off_t(data.count)) == 0, fsync(fd) == 0 else {
            throw LineageError.noSpace(path: path)
        }
    }

    /// Writes `metrics.json`.
    public func writeMetrics(_ metrics: FinalMetricsFile) throws {
        try writeAtomically(encode(metrics, file: Self.metricsFile, pretty: true), to: Self.metricsFile)
    }

    /// Writes `artifacts.json`.
    public func writeArtifacts(_ artifacts: [ArtifactEntry]) throws {
        try writeAtomically(encode(artifacts, file: Self.artifactsFile, pretty: true), to: Self.artifactsFile)
    }

    /// Appends lines to `steps.jsonl`, first dropping a last line that a killed writer left unfinished.
    public func appendSteps(_ steps: [StepLine]) throws {
        let target = file(Self.stepsFile)
        var text = Data()
        for step in steps {
            text.append(try encode(step, file: Self.stepsFile, pretty: false))
            text.append(UInt8(ascii: "\n"))
        }
        do {
            if !FileManager.default.fileExists(atPath: target.path) {
                guard FileManager.default.createFile(atPath: target.path, contents: nil) else {
                    throw LineageError.fileAccess(path: target.path, message: "cannot create the file")
                }
            }
            let handle = try FileHandle(forUpdating: target)
            defer { try? handle.close() }
            let end = try handle.seekToEnd()
            if end > 0 {
                // Without this, the next line would be glued to a fragment and both would be lost.
                let keep = try Self.endOfLastCompleteLine(handle, size: end)
                if keep != end {
                    try handle.truncate(atOffset: keep)
                    try handle.seek(toOffset: keep)
                }
            }
            try handle.write(contentsOf: text)
        } catch let error as LineageError {
            throw error
        } catch {
            throw LineageError.fileAccess(path: target.path, message: "\(error)")
        }
    }

    /// Keeps only the step lines up to `step` (a run resuming from that step's checkpoint logs the rest again).
    public func truncateSteps(after step: Int) throws {
        let kept = try readSteps().steps.filter { $0.step <= step }
        var text = Data()
        for line in kept {
            text.append(try encode(line, file: Self.stepsFile, pretty: false))
            text.append(UInt8(ascii: "\n"))
        }
        try writeAtomically(text, to: Self.stepsFile)
    }

    /// The offset just past the last newline in the file (0 when it has none).
    private static func endOfLastCompleteLine(_ handle: FileHandle, size: UInt64) throws -> UInt64 {
        var offset = size
        let chunk: UInt64 = 4096
        while offset > 0 {
            let start = offset > chunk ? offset - chunk : 0
            try handle.seek(toOffset: start)
            let data = try handle.read(upToCount: Int(offset - start)) ?? Data()
            if let newline = data.lastIndex(of: UInt8(ascii: "\n")) {
                return start + UInt64(newline - data.startIndex) + 1
            }
            offset = start
        }
        return 0
    }

    private func encode<T: Encodable>(_ value: T, file name: String, pretty: Bool) throws -> Data {
        do {
            return try CellFileCoding.encoder(pretty: pretty).encode(value)
        } catch {
            throw LineageError.fileAccess(path: file(name).path, message: "cannot encode: \(error)")
        }
    }

    private func writeAtomically(_ data: Data, to name: String) throws {
        do {
            try AtomicFile.write(data, to: file(name).path)
        } catch let error as FileError {
            throw error.isOutOfSpace ? LineageError.noSpace(path: file(name).path) : LineageError.fileAccess(path: file(name).path, message: error.message)
        }
    }

    // MARK: - Reading

    /// Reads `config.json` (without surrounding whitespace).
    public func readConfig() throws -> String {
        let data = try read(Self.configFile, required: true) ?? Data()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Reads `run.json`.
    public func readRun() throws -> RunFile {
        try decode(RunFile.self, from: read(Self.runFile, required: true) ?? Data(), file: Self.runFile)
    }

    /// Reads `metrics.json`, or nil when the run wrote none.
    public func readMetrics() throws -> FinalMetricsFile? {
        guard let data = try read(Self.metricsFile, required: false) else { return nil }
        return try decode(FinalMetricsFile.self, from: data, file: Self.metricsFile)
    }

    /// Reads `artifacts.json`, or an empty list when the run wrote none.
    public func readArtifacts() throws -> [ArtifactEntry] {
        guard let data = try read(Self.artifactsFile, required: false) else { return [] }
        return try decode([ArtifactEntry].self, from: data, file: Self.artifactsFile)
    }

    /// Reads `steps.jsonl` up to its last complete line; `cutOff` tells whether an unfinished last line was dropped.
    public func readSteps() throws -> (steps: [StepLine], cutOff: Bool) {
        guard let data = try read(Self.stepsFile, required: false) else { return ([], false) }
        let decoder = CellFileCoding.decoder()
        let path = file(Self.stepsFile).path
        var steps: [StepLine] = []
        var cutOff = false
        var lineStart = data.startIndex
        var lineNumber = 0
        while lineStart < data.endIndex {
            lineNumber += 1
            guard let newline = data[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else {
                // Every line is written with its newline; a last line without one was cut off mid-write.
                cutOff = true
                break
            }
            let line = data[lineStart..<newline]
            lineStart = newline + 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
            do {
                steps.append(try decoder.decode(StepLine.self, from: Data(line)))
            } catch {
                throw LineageError.malformedFile(path: path, line: lineNumber, message: Self.describe(error))
            }
        }
        return (steps, cutOff)
    }

    private func read(_ name: String, required: Bool) throws -> Data? {
        let target = file(name)
        guard FileManager.default.fileExists(atPath: target.path) else {
            if required { throw LineageError.missingFile(path: target.path) }
            return nil
        }
        do {
            return try Data(contentsOf: target)
        } catch {
            throw LineageError.fileAccess(path: target.path, message: "\(error)")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, from data: Data, file name: String) throws -> T {
        do {
            return try CellFileCoding.decoder().decode(type, from: data)
        } catch {
            throw LineageError.malformedFile(path: file(name).path, line: nil, message: Self.describe(error))
        }
    }

    /// A decoding error as one readable sentence, naming the key path where it happened.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return keys.isEmpty ? "" : " at \(keys)"
        }
        switch error {
        case let .keyNotFound(key, context): return "missing key \(key.stringValue)\(path(context))"
        case let .typeMismatch(type, context): return "expected \(type)\(path(context)): \(context.debugDescription)"
        case let .valueNotFound(type, context): return "missing \(type) value\(path(context))"
        case let .dataCorrupted(context): return "\(context.debugDescription)\(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
