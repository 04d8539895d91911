import Foundation
import Lineage
import Runner
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A 3-cell grid whose coordinator or workers are SIGKILLed at seeded random moments, 20 times in a row,
/// then run to completion: it must end as an uninterrupted run of the same grid ends.
@Suite(.serialized)
struct FaultInjectionTests {
    /// SplitMix64: the kill schedule is a function of the seed.
    struct Schedule {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// A process by pid and start time, so that a reused pid is not taken for it.
    struct Incarnation: Hashable {
        var pid: Int32
        var started: String
    }

    /// The fields of /proc/PID/stat after the command name: state, parent, ..., start time at index 19.
    static func stat(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? fields : nil
    }

    /// Live child processes of `parent`.
    static func children(of parent: Int32) -> [Incarnation] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).compactMap { pid in
            guard let fields = stat(pid), fields[0] != "Z", Int32(fields[1]) == parent else { return nil }
            return Incarnation(pid: pid, started: String(fields[19]))
        }
    }

    static func isAlive(_ process: Incarnation) -> Bool {
        guard let fields = stat(process.pid) else { return false }
        return fields[0] != "Z" && fields[19] == process.started
    }

    /// Step lines in every cell's log (a resumed run first cuts its log back to its checkpoint).
    static func loggedSteps(_ runs: String) -> Int {
        CoordinationTests.cellDirectories(runs).reduce(0) { $0 + CoordinationTests.stepCount($1.file(CellDirectory.stepsFile).path) }
    }

    struct Result {
        var metrics: [String: [String: UInt64]] = [:]
        var adapters: [String: String] = [:]
    }

    /// The final metrics (as bit patterns, those measuring the machine left out) and adapter hash of every cell in `runs`.
    static func results(_ runs: String) throws -> Result {
        let store = try LineageStore(path: runs + "/lineage.sqlite")
        var result = Result()
        for (cell, status) in try store.cellStatuses(experiment: CoordinationTests.experiment) {
            #expect(status == .done, "\(cell) is \(status)")
            let succeeded = try store.runs(cell: cell).filter { $0.status == .succeeded }
            #expect(succeeded.count == 1, "\(cell) succeeded \(succeeded.count) times")
            guard let run = succeeded.first else { continue }
            let metrics = try store.finalMetrics(run: run.id).filter { !GridRunner.isTimingMetric($0.key) }
            result.metrics[cell] = metrics.mapValues(\.bitPattern)
            result.adapters[cell] = try store.artifacts(run: run.id).first { $0.path.hasSuffix("adapter_model.safetensors") }?.sha256
        }
        return result
    }

    @Test func twentyKillsThenACompleteRunEndAsAnUninterruptedRun() throws {
        let root = try CoordinationTests.root()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data.jsonl"
        let steps = 300
        let straightRuns = root + "/straight"
        let straight = try CoordinationTests.start(runs: straightRuns, data: data, steps: steps, jobs: 2, output: root + "/straight.txt")
        straight.waitUntilExit()
        #expect(straight.terminationStatus == 0)
        let expected = try Self.results(straightRuns)
        #expect(expected.metrics.count == 3 && expected.adapters.values.allSatisfy { !$0.isEmpty })

        let runs = root + "/faulty"
        var schedule = Schedule(state: 14)
        var coordinator: Process? = nil
        var workersSeen = Set<Incarnation>()
        var kills = (coordinator: 0, worker: 0)
        var round = 0
        // Twenty kills that hit a live process; a round whose target ended on its own before its moment came
        // kills nothing and does not count.
        while kills.coordinator + kills.worker < 20, round < 60 {
            round += 1
            if coordinator == nil || !coordinator!.isRunning {
                coordinator = try CoordinationTests.start(runs: runs, data: data, steps: steps, jobs: 2, output: root + "/round-\(round).txt")
            }
            let process = coordinator!
            if schedule.below(4) == 0 {
                // Early: planning, launching, loading the model, or ingesting what the last one left.
                usleep(UInt32(20_000 + schedule.below(380) * 1_000))
            } else {
                // After 1 to 20 more logged steps, wherever that falls: a step, an evaluation, a checkpoint.
                // Measured in steps rather than seconds, so that twenty kills always come before the grid's
                // 900 steps are done, however fast or loaded the machine is.
                let target = Self.loggedSteps(runs) + 1 + schedule.below(20)
                let deadline = Date().addingTimeInterval(120)
                while process.isRunning, Self.loggedSteps(runs) < target, Date() < deadline { usleep(5_000) }
            }
            let workers = Self.children(of: process.processIdentifier)
            workersSeen.formUnion(workers)
            if !workers.isEmpty, schedule.below(5) < 3 {
                let target = workers[schedule.below(workers.count)]
                if Self.isAlive(target), kill(target.pid, SIGKILL) == 0 { kills.worker += 1 }
            } else if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                if process.terminationReason == .uncaughtSignal { kills.coordinator += 1 }
            }
        }
        #expect(kills.coordinator + kills.worker == 20, "the grid finished before twenty kills")
        if let c = coordinator, c.isRunning {
            kill(c.processIdentifier, SIGKILL)
            c.waitUntilExit()
            kills.coordinator += 1
        }
        // Workers of a killed coordinator stop on their own (SIGTERM from the kernel, then a checkpoint).
        #expect(CoordinationTests.eventually { workersSeen.allSatisfy { !Self.isAlive($0) } }, "a worker outlived its coordinator")

        let last = try CoordinationTests.start(runs: runs, data: data, steps: steps, jobs: 2, output: root + "/final.txt")
        last.waitUntilExit()
        #expect(last.terminationStatus == 0)
        let got = try Self.results(runs)
        let store = try LineageStore(path: runs + "/lineage.sqlite")
        let all = try store.runs(experiment: CoordinationTests.experiment)
        #expect(all.allSatisfy { $0.status != .running }, "a run was left running")
        for dir in CoordinationTests.cellDirectories(runs) { #expect(try dir.readRun().status == .succeeded) }
        // Each cell's runs form one chain: every run continues the one before it.
        for cell in got.metrics.keys {
            let chain = try store.runs(cell: cell)
            for (previous, next) in zip(chain, chain.dropFirst()) { #expect(next.parentRun == previous.id, "\(cell)") }
        }
        var mismatches = 0
        for cell in expected.metrics.keys {
            if got.metrics[cell] != expected.metrics[cell] || got.adapters[cell] != expected.adapters[cell] { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(got.metrics.count == 3)
        print("fault injection: \(kills.coordinator) coordinator and \(kills.worker) worker kills, \(got.metrics.count) cells, "
              + "\(all.count) runs, \(mismatches) mismatches")
    }
}
