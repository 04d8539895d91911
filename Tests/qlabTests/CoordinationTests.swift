import Foundation
import Lineage
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Coordinators as separate processes (`RunnerTestCoordinator`, which runs a small grid of the tiny
/// reference model the way `qlab run` does): two at once on one grid.
@Suite(.serialized)
struct CoordinationTests {
    static let experiment = "tiny-coordinated"

    /// The test coordinator, built beside `qlab`.
    static var coordinator: URL { CLI.executable.deletingLastPathComponent().appendingPathComponent("RunnerTestCoordinator") }

    static func root() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-coord-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try GridRunnerTests.dataset(root + "/data.jsonl", salt: 5, count: 48)
        return root
    }

    /// A coordinator process on `runs`, started but not waited for; its stdout goes to `output`.
    static func start(runs: String, data: String, steps: Int = 12, ranks: String = "2,4,8", jobs: Int = 1,
                      keepCheckpoints: Bool = false, output: String) throws -> Process {
        let process = Process()
        process.executableURL = coordinator
        process.arguments = [runs, CLI.fixture("qlora-reference/tiny-llama/base"), data, String(steps), ranks, String(jobs),
                             CLI.executable.path] + (keepCheckpoints ? ["keep-checkpoints"] : [])
        FileManager.default.createFile(atPath: output, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The `KIND CELL` lines a coordinator printed.
    static func report(_ path: String) -> [(kind: String, cell: String)] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
    }

    @Test func twoCoordinatorsOnOneGridSplitItAndRunEveryCellOnce() throws {
        let root = try Self.root()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let runs = root + "/runs"
        let a = try Self.start(runs: runs, data: root + "/data.jsonl", output: root + "/a.txt")
        let b = try Self.start(runs: runs, data: root + "/data.jsonl", output: root + "/b.txt")
        a.waitUntilExit()
        b.waitUntilExit()
        #expect(a.terminationStatus == 0 && b.terminationStatus == 0)
        let store = try LineageStore(path: runs + "/lineage.sqlite")
        let statuses = try store.cellStatuses(experiment: Self.experiment)
        #expect(statuses.count == 3)
        for (cell, status) in statuses {
            #expect(status == .done, "\(cell)")
            let history = try store.runs(cell: cell)
            // Two workers in one directory would leave two runs (or one failed one) behind.
            #expect(history.count == 1 && history.first?.status == .succeeded, "\(cell): \(history.map(\.status))")
        }
        let reportA = Self.report(root + "/a.txt"), reportB = Self.report(root + "/b.txt")
        let ranByA = Set(reportA.filter { $0.kind == "succeeded" }.map(\.cell))
        let ranByB = Set(reportB.filter { $0.kind == "succeeded" }.map(\.cell))
        #expect(ranByA.union(ranByB) == Set(statuses.keys))
        // Each coordinator accounts for every cell: ran it, found it done, or left it to the other.
        for report in [reportA, reportB] {
            #expect(Set(report.map(\.cell)) == Set(statuses.keys), "\(report)")
            #expect(report.allSatisfy { ["succeeded", "skipped", "elsewhere"].contains($0.kind) }, "\(report)")
        }
    }

    /// Waits (polling, up to a generous bound) until `condition` holds; false when it never did.
    static func eventually(_ seconds: Double = 300, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    static func stepCount(_ path: String) -> Int {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    /// The cell directories of the experiment that hold a run.
    static func cellDirectories(_ runs: String) -> [CellDirectory] {
        let root = runs + "/" + experiment
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.sorted().map { CellDirectory(url: URL(fileURLWithPath: root + "/" + $0)) }.filter { (try? $0.readRun()) != nil }
    }

    /// True while `pid` runs (a zombie that its new parent has not reaped yet counts as gone).
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// SIGTERM (what `timeout`, systemd and Slurm send), SIGINT (Ctrl-C) and SIGHUP (a closed terminal).
    @Test(arguments: [SIGTERM, SIGINT, SIGHUP])
    func aStopSignalToTheCoordinatorStopsItsWorkersWithCheckpoints(signal: Int32) throws {
        let root = try Self.root()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let runs = root + "/runs"
        let coordinator = try Self.start(runs: runs, data: root + "/data.jsonl", steps: 400, ranks: "2,4,8", jobs: 2,
                                         output: root + "/first.txt")
        // Both workers past their first step: training, not loading.
        #expect(Self.eventually {
            let dirs = Self.cellDirectories(runs)
            return dirs.count == 2 && dirs.allSatisfy { Self.stepCount($0.file(CellDirectory.stepsFile).path) >= 2 }
        }, "two workers never started training")
        let workers = try Self.cellDirectories(runs).map { try $0.readRun().pid ?? 0 }
        kill(coordinator.processIdentifier, signal)
        coordinator.waitUntilExit()
        #expect(coordinator.terminationReason == .exit && coordinator.terminationStatus == 128 + signal)
        for pid in workers { #expect(!Self.isAlive(pid), "worker \(pid) outlived its coordinator") }
        let report = Self.report(root + "/first.txt")
        #expect(report.filter { $0.kind == "interrupted" }.count == 2, "\(report)")
        let store = try LineageStore(path: runs + "/lineage.sqlite")
        for dir in Self.cellDirectories(runs) {
            let run = try dir.readRun()
            let name = [SIGTERM: "SIGTERM", SIGINT: "SIGINT", SIGHUP: "SIGHUP"][signal]!
            #expect(run.status == .interrupted && (run.exitReason ?? "").contains(name), "\(run.exitReason ?? "")")
            let stored = try store.runs(cell: run.cell)
            #expect(stored.map(\.status) == [.interrupted])
            // The stop checkpoint is of the last step the log kept.
            let last = try dir.readSteps().steps.last?.step ?? 0
            #expect(FileManager.default.fileExists(atPath: dir.file(String(format: "checkpoints/step-%06d", last)).path))
        }
    }

    @Test func workersOfAKilledCoordinatorStopWithCheckpoints() throws {
        let root = try Self.root()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let runs = root + "/runs"
        let coordinator = try Self.start(runs: runs, data: root + "/data.jsonl", steps: 400, ranks: "2", jobs: 1,
                                         output: root + "/first.txt")
        #expect(Self.eventually {
            Self.cellDirectories(runs).first.map { Self.stepCount($0.file(CellDirectory.stepsFile).path) >= 2 } ?? false
        }, "the worker never started training")
        let dir = try #require(Self.cellDirectories(runs).first)
        let worker = try #require(try dir.readRun().pid)
        kill(coordinator.processIdentifier, SIGKILL)
        coordinator.waitUntilExit()
        // Nobody waits for the worker now; the kernel tells it its parent is gone.
        #expect(Self.eventually { !Self.isAlive(worker) || (try? dir.readRun().status) == .interrupted }, "the orphaned worker kept training")
        #expect(Self.eventually { !Self.isAlive(worker) }, "the orphaned worker never exited")
        let run = try dir.readRun()
        #expect(run.status == .interrupted && (run.exitReason ?? "").contains("SIGTERM"), "\(run.status) \(run.exitReason ?? "")")
    }
}
