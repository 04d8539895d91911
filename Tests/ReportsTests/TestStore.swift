import Foundation
import Lineage
@testable import Reports

/// A small store with known numbers: experiment `grid`, learning rate × rank × three seeds.
struct TestStore {
    let directory: URL
    let store: LineageStore
    /// eval_loss by (lr, rank, seed): exact binary fractions, so four significant digits print them exactly.
    static let learningRates = ["0.0002", "0.001"]
    static let ranks = ["8", "16"]
    static let seeds = ["0", "1", "2"]
    /// Cell ids by (lr, rank, seed) key `lr/rank/seed`.
    private(set) var cells: [String: String] = [:]

    static func evalLoss(lr: Int, rank: Int, seed: Int) -> Double {
        // lr 0.001 is better by 0.5 on every seed; rank 16 better by 0.25 with seed noise on top.
        2.5 - 0.5 * Double(lr) - 0.25 * Double(rank) + 0.125 * Double(seed)
    }

    static func exact(lr: Int, rank: Int, seed: Int) -> Double { [0.25, 0.5, 0.5, 0.75][lr * 2 + rank] }

    static func lossSeries(lr: Int, rank: Int, seed: Int) -> [Double] {
        (1...5).map { step in 3.0 - 0.25 * Double(step) * Double(1 + lr) + 0.0625 * Double(seed) - 0.03125 * Double(rank) }
    }

    /// With `ratesRecordedDescending`, the cells of the larger rate are recorded first (their numbers are the same).
    init(ratesRecordedDescending: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("reports-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try LineageStore(path: directory.appendingPathComponent("lineage.sqlite").path)
        var definitions: [CellDefinition] = []
        var keys: [(String, Int, Int, Int)] = []
        let rates = Array(Self.learningRates.enumerated())
        for (li, lr) in ratesRecordedDescending ? rates.reversed() : rates {
            for (ri, rank) in Self.ranks.enumerated() {
                for (si, seed) in Self.seeds.enumerated() {
                    let id = String(format: "c%02d", keys.count) + String(repeating: "0", count: 9)
                    let config = #"{"lora":{"rank":\#(rank)},"optimizer":{"learningRate":\#(lr)},"seed":\#(seed),"steps":5}"#
                    let axes = #"{"lora.rank":"\#(rank)","optimizer.learningRate":"\#(lr)","seed":"\#(seed)"}"#
                    definitions.append(CellDefinition(id: id, config: config, axisValues: axes))
                    keys.append((id, li, ri, si))
                    cells["\(lr)/\(rank)/\(seed)"] = id
                }
            }
        }
        try store.recordExperiment(ExperimentRecord(name: "grid", description: "test grid", specHash: nil), cells: definitions)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        for (id, li, ri, si) in keys {
            let run = try store.startRun(RunRecord(cell: id, started: t0, gitCommit: "0123456789abcdef", gitDirty: false,
                                                   hostname: "host", pid: nil, blasCore: "Haswell", threads: 1, seed: UInt64(si)))
            var points: [MetricPoint] = []
            for (k, v) in Self.lossSeries(lr: li, rank: ri, seed: si).enumerated() { points.append(MetricPoint(step: k + 1, name: "loss", value: v)) }
            points.append(MetricPoint(step: 5, name: "eval_loss", value: Self.evalLoss(lr: li, rank: ri, seed: si) + 0.5))
            try store.appendMetrics(run: run, points)
            try store.recordFinalMetrics(run: run, [
                "eval_loss": Self.evalLoss(lr: li, rank: ri, seed: si), "exact_arithmetic": Self.exact(lr: li, rank: ri, seed: si),
                "steps": 5, "tokens_per_second": 100 + Double(li * 2 + ri), "peak_rss_mib": 512 + 64 * Double(ri),
            ])
            try store.recordInputs([
                InputRecord(run: run, role: .baseModel, path: "/models/m.gguf", sha256: String(repeating: "a", count: 64)),
                InputRecord(run: run, role: .dataset, path: "/data/train.jsonl", sha256: String(repeating: "b", count: 64)),
            ])
            try store.finishRun(id: run, status: .succeeded, ended: t0.addingTimeInterval(60))
        }
    }

    static let subject = ReportSubject(name: "grid", axes: ["optimizer.learningRate", "lora.rank", "seed"],
                                       evaluationMetrics: ["eval_loss", "exact_arithmetic"])

    func results() throws -> ExperimentResults {
        try ExperimentResults.load(from: store, subject: Self.subject)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}

/// Reads the first Markdown table after `heading` back into header and rows (pipes unescaped).
func table(in markdown: String, after heading: String) -> (header: [String], rows: [[String]])? {
    guard let range = markdown.range(of: heading) else { return nil }
    let lines = markdown[range.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let start = lines.firstIndex(where: { $0.hasPrefix("| ") }) else { return nil }
    func cells(_ line: String) -> [String] {
        var out: [String] = [], current = "", escaped = false
        for ch in line.dropFirst() {
            if escaped { current.append(ch); escaped = false } else if ch == "\\" { escaped = true } else if ch == "|" {
                out.append(current.trimmingCharacters(in: .whitespaces)); current = ""
            } else { current.append(ch) }
        }
        return out
    }
    var rows: [[String]] = []
    var i = start + 2
    while i < lines.count, lines[i].hasPrefix("|") { rows.append(cells(lines[i])); i += 1 }
    return (cells(lines[start]), rows)
}

/// The blocks of a gnuplot data file: each block's comment and its rows of tab-separated fields (header row dropped).
func dataBlocks(_ text: String) -> [(comment: String, rows: [[String]])] {
    var blocks: [(String, [[String]])] = []
    for chunk in text.components(separatedBy: "\n\n\n") {
        var lines = chunk.split(separator: "\n").map(String.init)
        // The file's own header comments precede the first block's comment; the block's is the last one.
        let comments = lines.prefix { $0.hasPrefix("#") }
        lines.removeFirst(comments.count)
        guard !lines.isEmpty else { continue }
        lines.removeFirst()
        blocks.append((comments.last ?? "", lines.map { $0.components(separatedBy: "\t") }))
    }
    return blocks
}

let gnuplotInstalled: Bool = (try? Gnuplot()) != nil
