import Foundation
import Testing
@testable import Lineage

@Suite struct CellStatusTests {
    @Test(arguments: [
        ([RunStatus](), CellStatus.pending),
        ([.running], .running),
        ([.failed], .failed),
        ([.interrupted], .interrupted),
        ([.succeeded], .done),
        ([.failed, .succeeded], .done),
        ([.succeeded, .failed], .done),
        ([.interrupted, .running], .running),
        ([.interrupted, .failed], .failed),
        ([.failed, .interrupted], .interrupted),
        ([.diverged], .diverged),
        ([.interrupted, .diverged], .diverged),
        ([.diverged, .succeeded], .done),
        ([.diverged, .running], .running),
    ])
    func rules(statuses: [RunStatus], expected: CellStatus) {
        #expect(CellStatus(runStatusesOldestFirst: statuses) == expected)
    }

    @Test func statusesOfAGrid() throws {
        try withTemporaryDirectory { directory in
            let store = try LineageStore(path: directory.appendingPathComponent("lineage.sqlite").path)
            let cells = try recordGrid(store, cells: 5)
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            let done = try store.startRun(RunRecord(cell: cells[0], started: t0))
            try store.finishRun(id: done, status: .succeeded)
            let failed = try store.startRun(RunRecord(cell: cells[1], started: t0))
            try store.finishRun(id: failed, status: .failed, exitReason: "loss is NaN")
            _ = try store.startRun(RunRecord(cell: cells[2], started: t0))
            // A run whose worker died: the liveness check says so and it becomes interrupted.
            let dead = try store.startRun(RunRecord(cell: cells[3], started: t0, pid: 999_999))
            let marked = try store.markInterruptedRuns { $0.id != dead }
            #expect(marked == [dead])
            #expect(try store.run(id: dead)?.status == .interrupted)
            #expect(try store.run(id: dead)?.exitReason?.contains("999999") == true)
            #expect(try store.cellStatuses(experiment: "learning-rate") == [
                cells[0]: .done, cells[1]: .failed, cells[2]: .running, cells[3]: .interrupted, cells[4]: .pending,
            ])
            // Only running runs are candidates: finished and interrupted ones keep their status.
            #expect(try store.markInterruptedRuns { _ in false }.count == 1)
            #expect(try store.cellStatuses(experiment: "learning-rate")[cells[2]] == .interrupted)
        }
    }

    @Test func localLivenessSeesThisProcessAndNotADeadOne() throws {
        let host = ProcessLiveness.hostName
        #expect(ProcessLiveness.isAliveOnThisHost(RunRecord(cell: "c")))
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        #expect(!ProcessLiveness.isAliveOnThisHost(RunRecord(cell: "c", hostname: host, pid: child.processIdentifier)))
        // Another machine's process cannot be checked from here, so it counts as alive.
        #expect(ProcessLiveness.isAliveOnThisHost(RunRecord(cell: "c", hostname: host + "-elsewhere", pid: child.processIdentifier)))
    }

    @Test func finishingRequiresAKnownRunAndAnEndState() throws {
        try withTemporaryDirectory { directory in
            let store = try LineageStore(path: directory.appendingPathComponent("lineage.sqlite").path)
            let cells = try recordGrid(store, cells: 1)
            #expect(throws: LineageError.unknownRun(id: "nope")) { try store.finishRun(id: "nope", status: .failed) }
            #expect(throws: LineageError.unknownCell(id: "nope")) { try store.startRun(RunRecord(cell: "nope")) }
            let run = try store.startRun(RunRecord(cell: cells[0]))
            #expect(throws: LineageError.self) { try store.finishRun(id: run, status: .running) }
            #expect(throws: LineageError.unknownRun(id: "nope")) { try store.appendMetrics(run: "nope", [MetricPoint(step: 1, name: "loss", value: 1)]) }
        }
    }
}
