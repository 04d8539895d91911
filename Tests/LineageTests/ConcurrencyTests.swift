import Foundation
import GRDB
import Testing
@testable import Lineage

/// Errors collected from several threads.
final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func append(_ message: String) { lock.withLock { items.append(message) } }
    var messages: [String] { lock.withLock { items } }
}

@Suite(.serialized) struct ConcurrencyTests {
    @Test func fourWriterProcessesLoseNoRow() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lineage.sqlite").path
            let store = try LineageStore(path: path)
            let cells = try recordGrid(store, cells: 1)
            let rows = 2_000
            let clock = ContinuousClock()
            let start = clock.now
            let workers = try (0..<4).map { _ in try startWorker(["append", path, cells[0], String(rows), "20"]) }
            var runIDs: [String] = []
            for (process, output) in workers {
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "worker failed: \(text)")
                runIDs.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            let elapsed = clock.now - start
            print("lineage: 4 processes × \(rows) metric rows in batches of 20 took \(elapsed)")

            #expect(Set(runIDs).count == 4)
            for run in runIDs {
                #expect(try store.metricCount(run: run) == rows)
                let values = try store.metricSeries(run: run).first?.values ?? []
                #expect(values == (0..<rows).map { Double($0) * 0.5 })
                #expect(try store.run(id: run)?.status == .succeeded)
            }
            let total = try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM metrics") }
            #expect(total == 4 * rows)
            #expect(elapsed < .seconds(15))
        }
    }

    @Test func fourWriterThreadsWithTheirOwnConnectionsLoseNoRow() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lineage.sqlite").path
            let cells = try recordGrid(LineageStore(path: path), cells: 1)
            let failures = FailureLog()
            DispatchQueue.concurrentPerform(iterations: 4) { worker in
                do {
                    let store = try LineageStore(path: path)
                    let run = try store.startRun(RunRecord(id: "thread-\(worker)", cell: cells[0]))
                    for batch in 0..<100 {
                        try store.appendMetrics(run: run, (0..<20).map { MetricPoint(step: batch * 20 + $0, name: "loss", value: Double(worker)) })
                    }
                } catch {
                    failures.append("\(error)")
                }
            }
            #expect(failures.messages == [])
            let store = try LineageStore(path: path)
            for worker in 0..<4 {
                #expect(try store.metricCount(run: "thread-\(worker)") == 2_000)
            }
        }
    }

    @Test func aWriterKilledMidBatchLeavesACleanStoreAndAnInterruptedRun() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lineage.sqlite").path
            let store = try LineageStore(path: path)
            let cells = try recordGrid(store, cells: 1)
            let (process, output) = try startWorker(["hold", path, cells[0]])
            var announced = ""
            while !announced.contains("\n") {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                announced += String(decoding: chunk, as: UTF8.self)
            }
            let run = try #require(announced.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
            #expect(announced.hasPrefix("holding "))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)

            let reopened = try LineageStore(path: path)
            let integrity = try reopened.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
            #expect(integrity == "ok")
            // The first batch committed; of the second, 500 rows were inserted and none survived.
            #expect(try reopened.metricCount(run: run) == 100)
            #expect(try reopened.run(id: run)?.status == .running)
            #expect(try reopened.markInterruptedRuns() == [run])
            #expect(try reopened.cellStatus(id: cells[0]) == .interrupted)
            // The store takes writes again at once: the dead writer's lock went with it.
            try reopened.appendMetrics(run: run, [MetricPoint(step: nil, name: "eval_loss", value: 1)])
        }
    }
}
