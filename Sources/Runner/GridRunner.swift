import ExperimentSpec
import Foundation
import Support
import Lineage
import Tensors

#if canImport(Glibc)
import Glibc
#endif

/// One cell of a plan: what to run and where it stands.
public struct PlannedCell: Sendable {
    /// The manifest entry (configuration, inputs, directory).
    public var entry: CellManifest.Entry
    /// Its status in the store.
    public var status: CellStatus
}

/// Plans an experiment against the store and runs its missing cells as worker processes, a fixed number at
/// once with the cores divided between them; ingests every finished cell directory into the store.
public final class GridRunner: @unchecked Sendable {
    /// The experiment.
    public let experiment: Experiment
    /// The runs root (`runs/`).
    public let runsRoot: String
    /// The store.
    public let store: LineageStore
    /// Inputs the last plan could not hash, with the reason (their content cannot reach the ids).
    public private(set) var unhashedInputs: [String: String] = [:]
    /// Settings changed from the command line, applied to every plan of the experiment.
    public let overrides: Overrides
    /// Variables set for the worker processes on top of this process's environment (e.g. `QLAB_BLAS_CORE`).
    public var workerEnvironment: [String: String] = [:]
    /// Keep each finished cell's checkpoints and paged optimizer state. Off by default: a succeeded cell is
    /// never resumed, and they are most of its size (two checkpoints and the optimizer state of r 64 adapters on
    /// a 135M model: 750 of its 820 MB).
    public var keepCheckpoints = false

    /// A runner for `experiment` with `overrides` and its store at `runsRoot/lineage.sqlite`.
    public init(experiment: Experiment, runsRoot: String, overrides: Overrides = .none) throws {
        self.experiment = experiment
        self.overrides = overrides
        self.runsRoot = runsRoot
        try FileManager.default.createDirectory(atPath: runsRoot, withIntermediateDirectories: true)
        store = try LineageStore(path: runsRoot + "/lineage.sqlite")
    }

    /// Every cell with its status (after ingesting whatever cell directories already hold, and marking runs
    /// whose process is gone as interrupted). `only` keeps cells whose axes have the given values.
    /// With `record`, the experiment and its cells are recorded in the store (what running them needs); without
    /// it the plan is a preview and leaves no trace of cells that never ran (no `stale` rows later).
    public func plan(only: [(axis: String, value: String)] = [], requireInputs: Bool = true, record: Bool = true) throws -> [PlannedCell] {
        let cells = try experiment.cells(overrides: overrides)
        let axes = try experiment.axisNames(overrides: overrides)
        for (axis, _) in only where !axes.contains(axis) { throw RunnerError.badFilter("\(axis)=…: the experiment has no such axis; its axes: \(axes.joined(separator: ", "))") }
        let hashes = InputHashes(cells: cells)
        unhashedInputs = hashes.unhashed
        if requireInputs, !hashes.unhashed.isEmpty {
            let problems = hashes.unhashed.keys.sorted().map { "\($0): \(hashes.unhashed[$0]!)" }
            throw RunnerError.cellFailed(cell: experiment.name, reason: "inputs not found:\n  " + problems.joined(separator: "\n  "))
        }
        var planned: [PlannedCell] = []
        var definitions: [CellDefinition] = []
        // Paths as the project keeps them (relative to its root), so run.json and the store survive a move;
        // a grid reads few files, so each is made relative once.
        let paths = store.paths
        let kept = hashes.paths.mapValues(paths.relative)
        for cell in cells {
            let canonical = try cell.canonicalJSON()
            let identity = cell.identity(inputHashes: hashes.hashes, canonicalJSON: canonical)
            var inputs = [CellManifest.Input(role: "base-model", name: cell.config.model.name,
                                             path: kept[cell.config.model.name] ?? cell.config.model.name,
                                             sha256: hashes.hashes[cell.config.model.name] ?? "")]
            // Every file the cell reads: training data, question sets, perplexity texts.
            for d in cell.inputs.dropFirst() {
                let role = d == cell.config.model.adapter ? InputRole.initAdapter.rawValue : InputRole.dataset.rawValue
                inputs.append(CellManifest.Input(role: role, name: d, path: kept[d] ?? d, sha256: hashes.hashes[d] ?? ""))
            }
            let entry = CellManifest.Entry(experiment: experiment.name, cell: identity.id, digest: identity.digest, config: cell.config,
                                           canonicalConfig: canonical, axes: cell.axisValues, inputs: inputs,
                                           directory: "\(experiment.name)/\(identity.id)", parentRun: nil)
            let axesJSON = Self.axisValuesText(cell.axisValues)
            definitions.append(CellDefinition(id: identity.id, config: canonical, axisValues: axesJSON))
            planned.append(PlannedCell(entry: entry, status: .pending))
        }
        let recordDefinitions = {
            try self.store.recordExperiment(ExperimentRecord(name: self.experiment.name, description: self.experiment.prose.description ?? "",
                                                             specHash: ExperimentSpec.SHA256.hexDigest(definitions.map(\.id).joined(separator: ",").utf8)),
                                            cells: definitions)
        }
        if record { try recordDefinitions() }
        var ingested = false
        for p in planned where FileManager.default.fileExists(atPath: runsRoot + "/" + p.entry.directory + "/run.json") {
            let dir = URL(fileURLWithPath: runsRoot + "/" + p.entry.directory)
            // Marked in the directory, not only in the store: ingesting the file again must not revive the run.
            _ = markInterruptedIfRunning(dir, reason: Self.deadWorkerReason, onlyThisHost: true)
            _ = try? store.ingest(directory: dir)
            ingested = true
        }
        // A cell run before the experiment gained an axis keeps, in its run.json, the axis values of then; the
        // experiment as declared now names its place on every axis (the first recording kept the cells' order).
        if record && ingested { try recordDefinitions() }
        try store.markInterruptedRuns()
        let statuses = try store.cellStatuses(cells: planned.map(\.entry.cell))
        for i in planned.indices {
            planned[i].status = statuses[planned[i].entry.cell] ?? .pending
            if planned[i].status == .done, try !hasResultsOnDisk(planned[i].entry) { planned[i].status = .missing }
        }
        return try Self.matching(planned, only: only)
    }

    /// Whether some succeeded run of the cell still has its folder (its `run.json`): the store remembers a run
    /// after its folder is removed by hand, but a cell whose results are gone is not done.
    func hasResultsOnDisk(_ entry: CellManifest.Entry) throws -> Bool {
        try store.runs(cell: entry.cell).contains { run in
            guard run.status == .succeeded else { return false }
            // The log sits in the run's own folder (a rerun's is below the cell's); runs recorded without one
            // are taken to be in the cell's folder.
            let folder = run.logPath.map { (store.paths.absolute($0) as NSString).deletingLastPathComponent }
                ?? runsRoot + "/" + entry.directory
            return FileManager.default.fileExists(atPath: folder + "/" + CellDirectory.runFile)
        }
    }

    /// The cells whose axis values equal every filter's, compared as values, not spellings (`2e-4` is the stored
    /// `0.0002`, `8.0` is `8`); a filter value that no cell has is an error listing the axis's values.
    public static func matching(_ cells: [PlannedCell], only: [(axis: String, value: String)]) throws -> [PlannedCell] {
        for f in only {
            let values = cells.compactMap { c in c.entry.axes.first { $0.name == f.axis }?.value }
            guard values.contains(where: { sameValue($0, f.value) }) else {
                var seen: [String] = []
                for v in values where !seen.contains(v) { seen.append(v) }
                throw RunnerError.badFilter("\(f.axis)=\(f.value): no cell has that value; its values: \(seen.joined(separator: ", "))")
            }
        }
        return cells.filter { c in only.allSatisfy { f in c.entry.axes.first { $0.name == f.axis }.map { sameValue($0.value, f.value) } ?? false } }
    }

    /// Whether an axis label and a value typed by a person name the same value: equal text, or equal numbers.
    public static func sameValue(_ label: String, _ typed: String) -> Bool {
        if label == typed { return true }
        guard let a = Double(label), let b = Double(typed.trimmingCharacters(in: .whitespaces)) else { return false }
        return a == b
    }

    /// Cells of this experiment with runs in the store that the spec no longer produces (changed data or
    /// settings). A cell that was recorded but never ran holds no results, so it is not stale.
    public func staleCells(current: [PlannedCell]) throws -> [String] {
        let ids = Set(current.map(\.entry.cell))
        let statuses = try store.cellStatuses(experiment: experiment.name)
        return try store.cells(experiment: experiment.name).map(\.cell)
            .filter { !ids.contains($0) && statuses[$0] != .pending }.sorted()
    }

    /// What a grid run did.
    public struct Outcome: Sendable {
        public var succeeded: [String] = []
        public var failed: [(cell: String, log: String)] = []
        public var interrupted: [String] = []
        public var skipped: [String] = []
        /// The signal (SIGTERM, SIGINT, SIGHUP) that stopped the run: passed on to the workers, whose stop
        /// checkpoints were waited for; cells not yet started were left for the next run.
        public var stoppedBy: Int32?
        /// Cells another live worker had claimed (another coordinator's, or a Slurm task's): left to it.
        public var elsewhere: [(cell: String, holder: CellClaim.Holder?)] = []
    }

    /// The exit status of a worker that found its cell claimed by another live worker and left it untouched
    /// (EX_TEMPFAIL: try again later).
    public static let claimedExitCode: Int32 = 75

    static let deadWorkerReason = "its worker ended without finishing the run (killed, or the machine went down); resumes from its last checkpoint"

    static func elsewhereMessage(_ cell: String, _ holder: CellClaim.Holder?) -> String {
        "cell \(cell) running elsewhere (\(holder.map(\.description) ?? "another process")); left to it"
    }

    /// The manifest entries to run for `cells`: those not done, or all with `force` (a finished cell then
    /// runs again as a rerun in a new directory, linked to its last success); and the ids skipped as done.
    func work(_ cells: [PlannedCell], force: Bool) throws -> (todo: [CellManifest.Entry], skipped: [String]) {
        var todo: [CellManifest.Entry] = [], skipped: [String] = []
        for p in cells {
            if p.status == .done && !force {
                skipped.append(p.entry.cell)
                continue
            }
            var entry = p.entry
            if p.status == .done {
                let last = try store.runs(cell: entry.cell).last { $0.status == .succeeded }
                entry.parentRun = last?.id
                entry.directory += "/reruns/" + String(format: "%.0f", Date().timeIntervalSince1970 * 1000)
            }
            todo.append(entry)
        }
        return (todo, skipped)
    }

    /// Runs the cells that are not done (all of `cells` with `force`), `jobs` worker processes at once.
    /// `executable` is the `qlab` binary the workers run; `say` receives progress and errors as they happen.
    /// A stop signal (`StopSignal`, installed by the caller) is passed on to the running workers, which
    /// checkpoint the step they are on; those still running `stopGrace` seconds later are killed (they resume
    /// from their last periodic checkpoint). `Outcome.stoppedBy` then names the signal.
    public func run(_ cells: [PlannedCell], jobs: Int, cores: Int, force: Bool, executable: String, stopGrace: Double = 120,
                    say report: @escaping (String) -> Void) throws -> Outcome {
        let interactive = isatty(STDERR_FILENO) != 0
        let display = StatusDisplay(interactive: interactive, write: { StandardError.write(Data($0.utf8)) }, say: report)
        // Every message is an event: on a terminal it clears the status line first instead of running on from it.
        let say: (String) -> Void = { display.event($0) }
        var outcome = Outcome()
        let (todo, skipped) = try work(cells, force: force)
        outcome.skipped = skipped
        guard !todo.isEmpty else {
            say("nothing to run: all \(cells.count) cells are done (use --force to run them again)")
            return outcome
        }
        let manifestPath = runsRoot + "/\(experiment.name)/manifest-\(ProcessInfo.processInfo.processIdentifier).json"
        try FileManager.default.createDirectory(atPath: runsRoot + "/\(experiment.name)", withIntermediateDirectories: true)
        // Absolute, as a Slurm manifest: the worker reads it as a stranger's file and wants no working-directory guess.
        try CellManifest(runsRoot: URL(fileURLWithPath: runsRoot).standardizedFileURL.path, entries: todo,
                         keepCheckpoints: keepCheckpoints).write(to: manifestPath)
        defer { try? FileManager.default.removeItem(atPath: manifestPath) }

        // A cell's BLAS thread count is part of its configuration (the bits depend on it), so the cores are
        // divided by running as many cells at once as fit, not by changing their thread counts.
        let threads = todo.map(\.config.threads).max() ?? 1
        let fitting = max(1, cores / max(1, threads))
        let jobs = max(1, min(jobs, todo.count, fitting))
        say("running \(todo.count) of \(cells.count) cells (\(outcome.skipped.count) done), \(jobs) at once, \(threads) BLAS thread(s) each on \(cores) cores")
        say(BLASKernel.current.summary)
        say(MatmulSelection.current.summary)
        var waiting = Array(todo.indices)
        var running: [RunningCell] = []
        let started = Date()
        var finishedSeconds: [Double] = [], evaluationSeconds: [Double] = []
        var lastReport = Date.distantPast

        func launch(_ index: Int) throws {
            let entry = todo[index]
            let dir = runsRoot + "/" + entry.directory
            // Before the coordinator itself writes there (run.json, the log it opens for the worker): a link in
            // the cell folder would take those writes elsewhere.
            try CellWorker(entry: entry, runsRoot: runsRoot, threads: 1).checkPlacement()
            // The worker checks again when it claims the cell; this spares a process and a line in its log.
            if case .held(let holder) = CellClaim.status(of: URL(fileURLWithPath: dir)) {
                outcome.elsewhere.append((entry.cell, holder))
                say(Self.elsewhereMessage(entry.cell, holder))
                return
            }
            // The worker will replace run.json: the run it holds reaches the store first, even when it was
            // written after this coordinator planned (by the worker of a coordinator that died meanwhile).
            if let run = markInterruptedIfRunning(URL(fileURLWithPath: dir), reason: Self.deadWorkerReason, onlyThisHost: true) {
                _ = try? store.ingest(directory: URL(fileURLWithPath: dir))
                if entry.parentRun == nil, run.status == .succeeded {
                    outcome.skipped.append(entry.cell)
                    say("cell \(entry.cell) was finished elsewhere meanwhile (run \(run.id))")
                    return
                }
            }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let logPath = dir + "/cell.log"
            if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            try log.seekToEnd()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["cell", "run", "--manifest", manifestPath, "--index", String(index),
                                 "--coordinator", String(getpid())]
            if !workerEnvironment.isEmpty {
                process.environment = ProcessInfo.processInfo.environment.merging(workerEnvironment) { _, new in new }
            }
            process.standardOutput = log
            process.standardError = log
            Diagnostics.debug("starting a worker for cell \(entry.cell): \(executable) \((process.arguments ?? []).joined(separator: " ")), output to \(logPath)")
            let stepsAtStart = Self.lineCount(dir + "/" + CellDirectory.stepsFile)
            try process.run()
            running.append(RunningCell(index: index, process: process, started: Date(), stepsAtStart: stepsAtStart))
        }

        var stopDeadline: Date? = nil
        var storeProblem: String? = nil
        while !waiting.isEmpty || !running.isEmpty {
            // A store deleted or replaced under us: nothing more goes into it, and the workers checkpoint and stop
            // as on a signal; their folders keep every result for `qlab ingest`.
            if storeProblem == nil, let problem = store.replacementProblem() {
                storeProblem = problem
                say("the lineage store \(store.path) was \(problem): stopping \(running.count) worker(s) at their next checkpoint; "
                    + "\(waiting.count) cell(s) not started")
                waiting.removeAll()
                for r in running { kill(r.process.processIdentifier, SIGTERM) }
                if stopDeadline == nil { stopDeadline = Date().addingTimeInterval(stopGrace) }
            }
            if stopDeadline == nil, let signal = StopSignal.pending {
                outcome.stoppedBy = signal
                stopDeadline = Date().addingTimeInterval(stopGrace)
                say("\(StopSignal.name(signal)) received: passing it on to \(running.count) worker(s) and waiting up to \(Int(stopGrace)) s "
                    + "for their checkpoints; \(waiting.count) cell(s) not started")
                waiting.removeAll()
                for r in running { kill(r.process.processIdentifier, signal) }
            }
            if let deadline = stopDeadline, Date() > deadline {
                for r in running where r.process.isRunning { kill(r.process.processIdentifier, SIGKILL) }
            }
            while running.count < jobs, !waiting.isEmpty {
                let index = waiting.removeFirst()
                // One cell that cannot start (a full disk, a permission) must not strand the running ones.
                do { try launch(index) } catch {
                    let entry = todo[index]
                    outcome.failed.append((entry.cell, runsRoot + "/" + entry.directory + "/cell.log"))
                    say("cell \(entry.cell) FAILED to start: \(error)")
                }
            }
            usleep(200_000)
            var still: [RunningCell] = []
            for r in running {
                if r.process.isRunning { still.append(r); continue }
                let entry = todo[r.index]
                let dir = URL(fileURLWithPath: runsRoot + "/" + entry.directory)
                let killed = r.process.terminationReason == .uncaughtSignal
                if !killed, r.process.terminationStatus == Self.claimedExitCode {
                    let holder: CellClaim.Holder?
                    if case .held(let h) = CellClaim.status(of: dir) { holder = h } else { holder = nil }
                    outcome.elsewhere.append((entry.cell, holder))
                    say(Self.elsewhereMessage(entry.cell, holder))
                    continue
                }
                if killed {
                    // The worker died mid-run: its run stays, marked interrupted, resumable.
                    _ = markInterruptedIfRunning(dir, reason: "worker killed by signal \(r.process.terminationStatus)")
                }
                if storeProblem == nil { _ = try? store.ingest(directory: dir) }
                let logPath = dir.path + "/cell.log"
                if killed {
                    outcome.interrupted.append(entry.cell)
                    say("cell \(entry.cell) interrupted (signal \(r.process.terminationStatus)); run again to resume. log: \(logPath)")
                } else if r.process.terminationStatus != 0, let run = try? CellDirectory(url: dir).readRun(), run.status == .interrupted {
                    // The worker caught SIGTERM/SIGINT and checkpointed its last step.
                    outcome.interrupted.append(entry.cell)
                    say("cell \(entry.cell) interrupted: \(run.exitReason ?? "stopped"). log: \(logPath)")
                } else if r.process.terminationStatus == 0 {
                    outcome.succeeded.append(entry.cell)
                    finishedSeconds.append(Date().timeIntervalSince(r.started))
                    if let trained = r.trainedAt { evaluationSeconds.append(Date().timeIntervalSince(trained)) }
                    say("cell \(entry.cell) done (\(Self.describe(entry.axes))) in \(Int(Date().timeIntervalSince(r.started))) s")
                } else {
                    outcome.failed.append((entry.cell, logPath))
                    // A worker that failed before it could record so (its error is in the log).
                    _ = markInterruptedIfRunning(dir, reason: "its worker exited with status \(r.process.terminationStatus); see \(logPath)", as: .failed)
                    if storeProblem == nil { _ = try? store.ingest(directory: dir) }
                    // The run's own verdict, when it could record one; a full disk may have kept it out of the log.
                    let recordedRun = try? CellDirectory(url: dir).readRun()
                    let recorded = recordedRun.flatMap { $0.status == .failed || $0.status == .diverged ? $0.exitReason : nil }
                    let tail = recorded ?? Self.lastLines(of: logPath, count: 3)
                    let verdict = recordedRun?.status == .diverged ? "DIVERGED" : "FAILED"
                    say("cell \(entry.cell) \(verdict) (exit \(r.process.terminationStatus)): \(tail)\n  log: \(logPath)")
                }
            }
            running = still
            if interactive || Date().timeIntervalSince(lastReport) > 10 {
                lastReport = Date()
                var progress: [CellProgress] = [], shown: [ProgressLine.Cell] = []
                for i in running.indices {
                    let e = todo[running[i].index]
                    let done = Self.lineCount(runsRoot + "/" + e.directory + "/" + CellDirectory.stepsFile)
                    // The last step logged: evaluation starts, and the time it takes is measured from here.
                    if done >= e.config.steps, running[i].trainedAt == nil { running[i].trainedAt = Date() }
                    progress.append(CellProgress(elapsed: Date().timeIntervalSince(running[i].started), stepsDone: done, steps: e.config.steps,
                                                 stepsAtStart: running[i].stepsAtStart,
                                                 evaluatingFor: running[i].trainedAt.map { Date().timeIntervalSince($0) }))
                    shown.append(ProgressLine.Cell(id: e.cell, step: done, steps: e.config.steps))
                }
                let line = ProgressLine(done: outcome.succeeded.count, total: todo.count, failed: outcome.failed.count + outcome.interrupted.count,
                                        running: shown, elapsed: Date().timeIntervalSince(started),
                                        remaining: Self.remainingSeconds(running: progress, finishedSeconds: finishedSeconds,
                                                                         evaluationSeconds: evaluationSeconds, waiting: waiting.count, jobs: jobs))
                display.status(line.render())
            }
        }
        display.clear()
        if let storeProblem { throw LineageError.storeReplaced(path: store.path, problem: storeProblem) }
        return outcome
    }

    /// A worker process of a grid run and its cell.
    private struct RunningCell {
        var index: Int
        var process: Process
        var started: Date
        /// Steps its step log held when it started (a resumed cell's log keeps the steps before its checkpoint).
        var stepsAtStart: Int
        /// When its last training step was logged (its evaluation began), once seen.
        var trainedAt: Date? = nil
    }

    /// How far a running cell has got: seconds since it started, steps logged, steps in all; the steps its log
    /// held when it started (a resumed cell), and how long it has been evaluating once its steps are done.
    struct CellProgress: Sendable {
        var elapsed: Double
        var stepsDone: Int
        var steps: Int
        var stepsAtStart = 0
        var evaluatingFor: Double? = nil
    }

    /// The progress line's estimate of the seconds left, or nil until every running cell has logged a step.
    ///
    /// Each running cell is projected from its own pace (its elapsed time per step logged since it started, so a
    /// resumed cell is not credited with the steps it resumed from), so the estimate moves as its steps are
    /// logged; to its training the mean evaluation time of the finished cells is added (`evaluationSeconds`, from
    /// their last step to their end), and a cell already evaluating is counted down from that mean (no estimate
    /// while a cell evaluates before any evaluation has been measured). A waiting
    /// cell is counted at the mean duration of the finished cells, or, before any has finished, at the running
    /// cells' projections.
    static func remainingSeconds(running: [CellProgress], finishedSeconds: [Double], evaluationSeconds: [Double] = [],
                                 waiting: Int, jobs: Int) -> Double? {
        let evaluation = evaluationSeconds.isEmpty ? 0 : evaluationSeconds.reduce(0, +) / Double(evaluationSeconds.count)
        var lefts: [Double] = [], totals: [Double] = []
        for cell in running {
            let left: Double
            if let evaluating = cell.evaluatingFor {
                // Until a cell has been seen evaluating to its end, how long evaluation takes is unknown, not 0 s.
                guard !evaluationSeconds.isEmpty else { return nil }
                left = max(0, evaluation - evaluating)
            } else {
                let logged = cell.stepsDone - cell.stepsAtStart
                guard logged > 0 else { return nil }
                left = Double(max(0, cell.steps - cell.stepsDone)) * cell.elapsed / Double(logged) + evaluation
            }
            lefts.append(left)
            totals.append(cell.elapsed + left)
        }
        let samples = finishedSeconds.isEmpty ? totals : finishedSeconds
        guard !samples.isEmpty else { return nil }
        let perCell = samples.reduce(0, +) / Double(samples.count)
        return (lefts.reduce(0, +) + Double(waiting) * perCell) / Double(max(jobs, 1))
    }

    /// Marks a run that its directory still shows `running` as interrupted, its process being known to be
    /// gone. The directory is what the store is rebuilt from, so the verdict goes there. Returns the run as it
    /// now stands, nil when the directory has none.
    /// With `onlyThisHost`, a run recorded on another machine is left alone: its claim can only be seen
    /// from here when the shared file system carries locks between machines.
    func markInterruptedIfRunning(_ dir: URL, reason: String, onlyThisHost: Bool = false, as status: RunStatus = .interrupted) -> RunFile? {
        guard var run = try? CellDirectory(url: dir).readRun() else { return nil }
        // A live claim means the run is another worker's, one that is still going.
        if run.status == .running, !onlyThisHost || run.hostname == ProcessLiveness.hostName, CellClaim.status(of: dir) == .free {
            run.status = status
            run.ended = Date()
            run.exitReason = reason
            try? CellDirectory(url: dir).writeRun(run)
        }
        return run
    }

    static func describe(_ axes: [Cell.AxisValue]) -> String { axes.map { "\($0.name)=\($0.value)" }.joined(separator: " ") }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }

    static func lineCount(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return data.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }

    static func lastLines(of path: String, count: Int) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(count).joined(separator: " | ")
    }

    /// A cell's axis values as the store keeps them: the spelling ingesting its run.json gives (one spelling,
    /// whichever of plan and ingest writes the row last).
    public static func axisValuesText(_ axes: [Cell.AxisValue]) -> String {
        JSONValue.object(axisValuesObject(axes)).canonicalText()
    }

    /// A cell's axis values as `run.json` records them, the object `axisValuesText` spells.
    static func axisValuesObject(_ axes: [Cell.AxisValue]) -> [String: JSONValue] {
        Dictionary(axes.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { a, _ in a })
    }
}

/// Reruns and their verdicts.
extension GridRunner {
    /// Metrics that measure the machine, not the result: a rerun may differ in them.
    public static let timingMetrics: Set<String> = ["tokens_per_second", "peak_rss_mib", "seconds"]

    /// Whether `name` measures the machine (a timing metric, or the seconds spent in one part of a cell).
    public static func isTimingMetric(_ name: String) -> Bool {
        timingMetrics.contains(name) || name.hasPrefix("seconds_")
    }

    /// Relative difference within which a rerun on another kernel or thread count counts as agreeing: float32
    /// training over tens of steps drifts by about this much between summation orders, while a real change of
    /// result (another seed, another setting) moves the metrics by far more.
    public static let crossKernelTolerance = 1e-3

    /// How a rerun compared with the run it repeats.
    public struct Reproduction: Sendable {
        /// The earlier run.
        public var parent: String
        /// The new run.
        public var run: String
        /// Metrics whose bits differ (timing metrics excluded).
        public var differingMetrics: [String]
        /// Whether the adapters (in full fine-tuning, the trained models) have the same bytes.
        public var adapterIdentical: Bool
        /// BLAS kernel and threads of the earlier run and of the new one (bits are comparable only when both match).
        public var parentKernel: String?
        public var parentThreads: Int?
        public var kernel: String?
        public var threads: Int?
        /// The largest relative difference over the result metrics.
        public var largestRelativeDifference: Double = 0
        /// Metrics that differ by more than `crossKernelTolerance`.
        public var metricsOutsideTolerance: [String] = []

        /// True when both runs used the same kernel and thread count, so that bit-for-bit equality is expected.
        public var sameKernel: Bool { parentKernel != nil && parentKernel == kernel && parentThreads == threads }
        /// True when every result metric and the adapter are bit-for-bit equal.
        public var reproduced: Bool { differingMetrics.isEmpty && adapterIdentical }
        /// On another kernel or thread count: every metric within `crossKernelTolerance`.
        public var agreesWithinTolerance: Bool { metricsOutsideTolerance.isEmpty }
    }

    /// Runs cell `id` (of this experiment) again as a new run linked to its last successful one, and
    /// compares the results bit for bit.
    public func rerun(cell id: String, cores: Int, executable: String, say: @escaping (String) -> Void) throws -> Reproduction {
        let cells = try plan()
        guard let cell = cells.first(where: { $0.entry.cell == id || $0.entry.cell.hasPrefix(id) }) else {
            throw RunnerError.unknownCell(id)
        }
        guard let parent = try store.runs(cell: cell.entry.cell).last(where: { $0.status == .succeeded }) else {
            throw RunnerError.cellFailed(cell: cell.entry.cell, reason: "it has no successful run to repeat; use `qlab run`")
        }
        var forced = cell
        forced.status = .done
        let outcome = try run([forced], jobs: 1, cores: cores, force: true, executable: executable, say: say)
        guard outcome.succeeded.count == 1 else {
            throw RunnerError.cellFailed(cell: cell.entry.cell, reason: "the rerun did not succeed")
        }
        guard let new = try store.runs(cell: cell.entry.cell).last(where: { $0.status == .succeeded && $0.parentRun == parent.id }) else {
            throw RunnerError.cellFailed(cell: cell.entry.cell, reason: "the rerun left no run in the store")
        }
        let a = try store.finalMetrics(run: parent.id), b = try store.finalMetrics(run: new.id)
        var differing: [String] = [], outside: [String] = []
        var largest = 0.0
        for name in Set(a.keys).union(b.keys).sorted() where !Self.isTimingMetric(name) {
            let x = a[name], y = b[name]
            let same = x.map { $0.bitPattern } == y.map { $0.bitPattern } || (x?.isNaN == true && y?.isNaN == true)
            if !same { differing.append(name) }
            if !same {
                guard let x, let y, x.isFinite, y.isFinite else { outside.append(name); largest = .infinity; continue }
                let relative = abs(x - y) / max(abs(x), abs(y), 1e-12)
                largest = max(largest, relative)
                if relative > Self.crossKernelTolerance { outside.append(name) }
            }
        }
        let adapter = { (run: String) in try self.store.artifacts(run: run).first { $0.path.hasSuffix("adapter_model.safetensors") || $0.path == "model/model.safetensors" }?.sha256 }
        let identical = try adapter(parent.id) != nil && adapter(parent.id) == adapter(new.id)
        var verdict = Reproduction(parent: parent.id, run: new.id, differingMetrics: differing, adapterIdentical: identical)
        verdict.parentKernel = parent.blasCore
        verdict.parentThreads = parent.threads
        verdict.kernel = new.blasCore
        verdict.threads = new.threads
        verdict.largestRelativeDifference = largest
        verdict.metricsOutsideTolerance = outside
        return verdict
    }
}
