import Datasets
import Evaluation
import ExperimentSpec
import Foundation
import Models
import Tokenizers
import Support
import Tensors

extension CellWorker {
    /// Measures the benchmarks of `config` meant for `moment` on `model` with `adapter`: their metrics, and each
    /// one's answers written to `answers-benchmark-NAME[-base].json` in `directory`. On the base, a result kept by an
    /// earlier cell on the same base, code, kernel and inputs is read instead (a rerun measures it again).
    func measureBenchmarks(_ moment: Perplexity.Moment, config: TrainingConfig, model: LlamaModel, adapter: LoRAAdapter?,
                           tokenizer: any Tokenizer, location: ModelLocation, catalog: DatasetCatalog, directory: String,
                           version: CodeVersion, seconds: inout [String: Double], say: (String) -> Void) throws -> [String: Double] {
        var metrics: [String: Double] = [:]
        for b in config.evaluation.benchmarks where b.at.contains(moment) {
            let metric = b.metric(at: moment)
            let start = Date()
            let memo = moment == .base && entry.parentRun == nil
                ? try BaseBenchmarkMemo(runsRoot: runsRoot, config: config, benchmark: b, inputs: entry.inputs, threads: threads, code: version)
                : nil
            var object: [String: Any]
            var kept = false
            if let memo, let read = memo.read() {
                object = read
                kept = true
            } else {
                let suite = try BenchmarkSuite.load(try catalog.benchmarkPath(b.path))
                let evaluation = BenchmarkEvaluation(model: model, adapter: adapter, tokenizer: tokenizer,
                                                     bos: BenchmarkBOS.id(for: location, tokenizer: tokenizer))
                object = try evaluation.evaluate(suite, shots: b.shots, limit: b.limit, scoring: b.scoring).jsonObject(questions: true)
                try memo?.write(object)
            }
            seconds["seconds_" + metric] = kept ? 0 : Date().timeIntervalSince(start)
            let file = directory + "/answers-benchmark-\(b.name)\(moment == .base ? "-base" : "").json"
            try AtomicFile.write(Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])), to: file)
            let micro = object["micro_accuracy"] as? Double ?? .nan
            let macro = object["macro_accuracy"] as? Double ?? .nan
            let asked = object["questions_asked"] as? Int ?? 0
            metrics[metric] = micro
            metrics[metric + "_macro"] = macro
            metrics[metric + "_asked"] = Double(asked)
            say(String(format: "benchmark %@ %@, %d-shot%@: %.4f (macro %.4f) over %d questions%@", b.name,
                       moment == .base ? "on the base" : "after training", b.shots, b.scoring == .letter ? "" : " " + b.scoring.rawValue, micro, macro, asked,
                       kept ? " (measured by an earlier cell on the same base, code and kernel)" : ""))
        }
        return metrics
    }
}

/// A base's benchmark result, kept once measured, under the same rules as `BasePerplexityMemo`: the same
/// executable, code version, BLAS kernel and threads, model settings, benchmark settings and input hashes.
struct BaseBenchmarkMemo {
    let path: String

    init(runsRoot: String, config: TrainingConfig, benchmark: Benchmark, inputs: [CellManifest.Input], threads: Int, code: CodeVersion,
         executable: String = BasePerplexityMemo.executableIdentity()) throws {
        path = try BasePerplexityMemo.path(kind: "benchmark", subject: ("benchmark", benchmark), runsRoot: runsRoot, config: config,
                                           inputs: inputs, threads: threads, code: code, executable: executable)
    }

    /// The result kept by an earlier cell, if any (an unreadable file counts as none).
    func read() -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    func write(_ object: [String: Any]) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])), to: path)
    }
}
