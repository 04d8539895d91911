import ArgumentParser
import Datasets
import Evaluation
import ExperimentSpec
import Foundation
import Models
import Tokenizers
import Support

/// `qlab eval --benchmark PATH`: k-shot multiple-choice accuracy, as MMLU is measured.
extension EvalCommand {
    func validateBenchmark() throws {
        guard text.isEmpty, dataOptions.data == nil else { throw ValidationError("give --benchmark PATH alone, without --text or --data") }
        guard shots >= 0 else { throw ValidationError("--shots must not be negative") }
        guard limit >= 0 else { throw ValidationError("--limit must not be negative") }
        try ThreadCount.validate(threads)
        guard (blocksize ?? 64) >= 2 else { throw ValidationError("--blocksize must be at least 2") }
    }

    func runBenchmark(_ path: String, loaded: LoadedModel, tokenizer: any Tokenizer, adapter: LoRAAdapter?, storage: String,
                      started: Date) throws {
        let suite = try BenchmarkSuite.load(try DatasetCatalog.locate().benchmarkPath(path))
        let bos = BenchmarkBOS.id(for: loaded.location, tokenizer: tokenizer)
        let asked = suite.subjects.map { limit > 0 ? min(limit, $0.test.count) : $0.test.count }.reduce(0, +)
        progress("benchmark \(path): \(suite.subjects.count) subject(s), \(asked) question(s)\(limit > 0 ? " (the first \(limit) of each subject)" : ""), \(shots) shot(s), \(scoring.rawValue) scoring, \(bos == nil ? "no BOS" : "BOS first")")
        let evaluation = BenchmarkEvaluation(model: loaded.model, adapter: adapter, tokenizer: tokenizer, bos: bos)
        let result = try evaluation.evaluate(suite, shots: shots, limit: limit, scoring: scoring, progress: meter(unit: "questions"))
        if json {
            var report = result.jsonObject(questions: true)
            report["model"] = loaded.location.path
            report["storage"] = storage
            report["adapter"] = self.adapter ?? NSNull()
            report["benchmark"] = path
            report["limit"] = limit
            report["bos"] = bos != nil
            report["threads"] = threads
            report["seconds"] = Date().timeIntervalSince(started)
            let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("\(loaded.location.path) (\(storage)\(self.adapter.map { ", adapter \($0)" } ?? "")) on \(path), \(shots)-shot, \(scoring.rawValue) scoring:")
        print(Self.benchmarkTable(result))
    }

    /// The text report: one row per subject, then the macro and micro averages, each with its Wilson 95% interval.
    static func benchmarkTable(_ result: BenchmarkResult) -> String {
        func pct(_ x: Double) -> String { String(format: "%.1f", 100 * x) }
        func range(_ w: WilsonInterval) -> String { "\(pct(w.lower))–\(pct(w.upper))" }
        var rows: [[String]] = [["subject", "questions", "correct", "accuracy %", "95% interval", "shots dropped"]]
        for s in result.subjects {
            rows.append([s.name, "\(s.asked)", "\(s.correct)", pct(s.accuracy), range(s.interval),
                         s.droppedShots == 0 ? "0" : "\(s.droppedShots) in \(s.questionsWithDroppedShots) prompt(s)"])
        }
        let total = result.answers.count
        let correct = result.answers.filter { $0.predicted == $0.gold }.count
        rows.append(["macro average", "\(total)", "", pct(result.macro), range(result.macroInterval), ""])
        rows.append(["micro average", "\(total)", "\(correct)", pct(result.micro), range(result.microInterval),
                     "\(result.answers.map(\.droppedShots).reduce(0, +)) in \(result.questionsWithDroppedShots) prompt(s)"])
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
extension Benchmark.Scoring: ExpressibleByArgument {}
