import ExperimentSpec
import Foundation
import Support
import Tensors

/// The zero-shot perplexity of a base model, kept once measured so that the other seeds of the same base
/// (the seed changes the adapter, never the frozen base) read it instead of scoring the text again.
///
/// A value is reused only for the very same computation: the same executable (path, size and modification
/// time) and code version, BLAS kernel and thread count (whose bits it depends on), model settings, text
/// settings and input file hashes. Everything goes into the file's name, a SHA-256; a rerun never reads it, so
/// that `qlab rerun` measures every metric again.
struct BasePerplexityMemo {
    /// What was measured.
    struct Value: Codable, Equatable {
        var perplexity: Double
        var tokens: Int
    }

    /// The file that holds the value.
    let path: String

    /// The memo of `perplexity` on the base of `config` read through `inputs`, under `runsRoot`.
    init(runsRoot: String, config: TrainingConfig, perplexity: Perplexity, inputs: [CellManifest.Input],
         threads: Int, code: CodeVersion, executable: String = BasePerplexityMemo.executableIdentity()) throws {
        path = try Self.path(kind: "perplexity", subject: ("text", perplexity), runsRoot: runsRoot, config: config, inputs: inputs,
                             threads: threads, code: code, executable: executable)
    }

    /// The value kept by an earlier cell, if any (an unreadable file counts as none: it is measured again).
    func read() -> Value? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Value.self, from: data)
    }

    /// Keeps `value` for the next cell (atomically: two cells measuring at once write the same bytes).
    func write(_ value: Value) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(value)), to: path)
    }

    /// Where a memo of a base's `kind` of measurement lives: a SHA-256 of everything the value depends on (the
    /// executable, code version, BLAS kernel and threads, model settings, what is measured, input hashes).
    /// Every base memo (perplexity, benchmarks) is named by this one function.
    static func path(kind: String, subject: (label: String, value: some Encodable), runsRoot: String, config: TrainingConfig,
                     inputs: [CellManifest.Input], threads: Int, code: CodeVersion, executable: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var text = "qlab-base-\(kind)-v1\n"
        text += "executable \(executable)\n"
        text += "code \(code.commit ?? "none") dirty \(code.dirty.map { "\($0)" } ?? "unknown")\n"
        text += "blas \(MatmulBackend.recordedKernel) threads \(threads)\n"
        text += "model " + String(decoding: try encoder.encode(config.model), as: UTF8.self) + "\n"
        text += subject.label + " " + String(decoding: try encoder.encode(subject.value), as: UTF8.self) + "\n"
        for input in inputs.sorted(by: { ($0.role, $0.path) < ($1.role, $1.path) }) {
            text += "input \(input.role) \(input.path) \(input.sha256)\n"
        }
        return URL(fileURLWithPath: runsRoot).appendingPathComponent(".memo/base-\(kind)/\(SHA256.hexDigest(text.utf8)).json").path
    }

    /// The running executable as path, size and modification time: a rebuilt binary is another computation.
    static func executableIdentity() -> String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(path) \(size) \(modified)"
    }
}
