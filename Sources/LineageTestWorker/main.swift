// A separate process that writes into a lineage store, for the store's multi-process tests.
//
//   LineageTestWorker append STORE CELL ROWS BATCH   start a run, append ROWS loss values in batches, finish it
//   LineageTestWorker hold STORE CELL                start a run, commit one batch of 100, then stop in the
//                                                    middle of a second batch and wait to be killed
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Lineage

/// Metric points that stop the process halfway through, inside the store's write transaction.
struct PausingPoints: Sequence, IteratorProtocol {
    var index = 0
    let count: Int
    let pauseAt: Int
    let announcement: String

    mutating func next() -> MetricPoint? {
        guard index < count else { return nil }
        if index == pauseAt {
            FileHandle.standardOutput.write(Data((announcement + "\n").utf8))
            // Killed here: the batch is half inserted and its transaction open.
            while true { pause() }
        }
        defer { index += 1 }
        return MetricPoint(step: 1_000 + index, name: "loss", value: Double(index))
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("LineageTestWorker: \(message)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count >= 4 else { fail("usage: append STORE CELL ROWS BATCH | hold STORE CELL") }
do {
    let store = try LineageStore(path: arguments[2])
    let run = try store.startRun(RunRecord(cell: arguments[3]))
    switch arguments[1] {
    case "append":
        guard arguments.count == 6, let rows = Int(arguments[4]), let batch = Int(arguments[5]), batch > 0 else {
            fail("usage: append STORE CELL ROWS BATCH")
        }
        var step = 0
        while step < rows {
            let end = min(step + batch, rows)
            try store.appendMetrics(run: run, (step..<end).map { MetricPoint(step: $0, name: "loss", value: Double($0) * 0.5) })
            step = end
        }
        try store.finishRun(id: run, status: .succeeded)
        print(run)
    case "hold":
        try store.appendMetrics(run: run, (0..<100).map { MetricPoint(step: $0, name: "loss", value: Double($0)) })
        try store.appendMetrics(run: run, PausingPoints(count: 1_000, pauseAt: 500, announcement: "holding \(run)"))
        fail("the held batch was not interrupted")
    default:
        fail("unknown mode \(arguments[1])")
    }
} catch {
    fail("\(error)")
}
