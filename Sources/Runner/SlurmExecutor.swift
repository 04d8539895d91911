import Foundation
import Lineage
import Support
import Tensors

#if canImport(Glibc)
import Glibc
#endif

/// How cells are handed to Slurm.
public struct SlurmOptions: Sendable {
    /// `--partition`.
    public var partition: String?
    /// `--time` (Slurm's formats: MM, HH:MM:SS, D-HH...).
    public var time: String?
    /// `--cpus-per-task`; by default the cells' BLAS thread count.
    public var cpusPerTask: Int?
    /// `--mem` (e.g. 8G).
    public var memory: String?
    /// The `%K` of `--array`: at most this many tasks at once.
    public var maxParallel: Int?
    /// More `sbatch` arguments, passed as given (e.g. `--account=X`, `--qos=Y`).
    public var extraArguments: [String]
    /// Seconds between `squeue` polls while waiting.
    public var pollInterval: Double

    /// Throws unless every value that is written into the batch script is one Slurm could mean: letters, digits
    /// and `. _ , : + -` (partition lists, times such as `1-12:00:00`, sizes such as `8G`). A newline would end
    /// the `#SBATCH` line and start a shell command, and every directive after it would be ignored.
    public func validate() throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._,:+-")
        for (flag, value) in [("--partition", partition), ("--time", time), ("--mem", memory)] {
            guard let value else { continue }
            guard !value.isEmpty, value.allSatisfy(allowed.contains) else {
                throw RunnerError.slurmValue(flag: flag, value: value)
            }
        }
        if let cpusPerTask, cpusPerTask < 1 { throw RunnerError.slurmValue(flag: "--cpus-per-task", value: "\(cpusPerTask)") }
        if let maxParallel, maxParallel < 1 { throw RunnerError.slurmValue(flag: "--max-parallel", value: "\(maxParallel)") }
    }

    public init(partition: String? = nil, time: String? = nil, cpusPerTask: Int? = nil, memory: String? = nil,
                maxParallel: Int? = nil, extraArguments: [String] = [], pollInterval: Double = 10) {
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.memory = memory
        self.maxParallel = maxParallel
        self.extraArguments = extraArguments
        self.pollInterval = pollInterval
    }
}

/// One submitted job array, as `runs/NAME/slurm/arrays.json` records it: the coordinator's memory of what
/// it handed to Slurm, read by `--wait`, `qlab cancel` and later runs.
public struct SlurmArray: Codable, Sendable, Equatable {
    /// The array's job id.
    public var job: String
    /// The experiment.
    public var experiment: String
    /// The manifest the tasks read (absolute).
    public var manifest: String
    /// The batch script (absolute).
    public var script: String
    /// Cell id of each task index.
    public var cells: [String]
    /// Cell directory of each task index, relative to the runs root.
    public var directories: [String]
    /// When it was submitted.
    public var submitted: Date
    /// The `sbatch` command line.
    public var command: [String]
}

extension GridRunner {
    /// The folder of an experiment's Slurm files: manifests, batch scripts, task logs, `arrays.json`.
    public var slurmFolder: String { runsRoot + "/\(experiment.name)/slurm" }

    /// Every array submitted for this experiment, oldest first.
    public func slurmArrays() throws -> [SlurmArray] {
        let path = slurmFolder + "/arrays.json"
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode([SlurmArray].self, from: data)
        } catch {
            throw RunnerError.slurm("\(path): not a list of submitted arrays: \(error)")
        }
    }

    private func recordArray(_ array: SlurmArray) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(Array(try encoder.encode(try slurmArrays() + [array])), to: slurmFolder + "/arrays.json")
    }

    /// The arrays of this experiment that Slurm still lists (pending, running or completing tasks).
    public func activeSlurmArrays(commands: SlurmCommands = SlurmCommands()) throws -> [SlurmArray] {
        let arrays = try slurmArrays()
        guard !arrays.isEmpty else { return [] }
        let queued = Set(try commands.queue().map(\.job))
        return arrays.filter { queued.contains($0.job) }
    }

    /// The batch script of an array: task i runs entry i of the manifest, in the submitting directory.
    ///
    /// Paths never enter an `#SBATCH` line, whose quoting sbatch parses its own way: the log file and the working
    /// directory go to sbatch as arguments (`slurmPathArguments`), and the script names them in a comment only.
    /// The options it carries have been validated (`SlurmOptions.validate`).
    static func slurmScript(experiment: String, count: Int, options: SlurmOptions, cpus: Int, logFolder: String,
                            workingDirectory: String, executable: String, manifest: String) -> String {
        func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        func comment(_ s: String) -> String { s.replacingControlCharacters(with: "?") }
        var lines = [
            "#!/bin/bash",
            "# qlora-lab: \(count) cell(s) of experiment \(comment(experiment)) as one Slurm job array.",
            "# Task i runs entry i of the manifest and writes only its cell directory; the coordinator ingests it.",
            "# Submitted with --output=\(comment(logFolder))/%A_%a.out --chdir=\(comment(workingDirectory)) on sbatch's command line.",
            "#SBATCH --job-name=qlab-\(experiment)",
            "#SBATCH --array=0-\(count - 1)" + (options.maxParallel.map { "%\($0)" } ?? ""),
            "#SBATCH --cpus-per-task=\(cpus)",
        ]
        if let p = options.partition { lines.append("#SBATCH --partition=\(p)") }
        if let t = options.time { lines.append("#SBATCH --time=\(t)") }
        if let m = options.memory { lines.append("#SBATCH --mem=\(m)") }
        lines.append("exec \(quote(executable)) cell run --manifest \(quote(manifest)) --index \"$SLURM_ARRAY_TASK_ID\" --executor slurm")
        return lines.joined(separator: "\n") + "\n"
    }

    /// sbatch's `--output` and `--chdir` for an array, as arguments (no shell, no script line parses them). In
    /// the log file's name `%` starts one of Slurm's patterns, so a `%` of the folder's own is written `%%`; a
    /// backslash would turn the patterns off, and is refused with control characters.
    static func slurmPathArguments(logFolder: String, workingDirectory: String) throws -> [String] {
        for (what, path) in [("the Slurm log folder", logFolder), ("the working directory", workingDirectory)] {
            if path.contains("\\") || path.containsControlCharacter {
                throw RunnerError.slurm("\(what) \(path.debugDescription) holds a backslash or a control character, which sbatch cannot take in a path; run from another folder")
            }
        }
        return ["--output=" + logFolder.replacingOccurrences(of: "%", with: "%%") + "/%A_%a.out", "--chdir=" + workingDirectory]
    }

    /// Writes a manifest of the cells that are not done (all with `force`) and submits them as one job array.
    /// Returns nil when there is nothing to run. `executable` is the `qlab` binary the tasks run: it, the runs
    /// folder, the model and the data must be on storage the nodes share.
    public func submitToSlurm(_ cells: [PlannedCell], force: Bool, options: SlurmOptions, executable: String,
                              commands: SlurmCommands = SlurmCommands(), say: (String) -> Void) throws -> SlurmArray? {
        try options.validate()
        let (todo, skipped) = try work(cells, force: force)
        guard !todo.isEmpty else {
            say("nothing to run: all \(cells.count) cells are done (use --force to run them again)")
            return nil
        }
        // Before writing anything: without sbatch the manifest and script would only be litter.
        guard commands.find("sbatch") != nil else {
            throw RunnerError.slurm("`sbatch` is not on PATH: run this on a machine with the Slurm client commands (a login node), or use the local executor")
        }
        let fm = FileManager.default
        let root = URL(fileURLWithPath: runsRoot).standardizedFileURL.path
        let folder = URL(fileURLWithPath: slurmFolder).standardizedFileURL.path
        try fm.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        for entry in todo { try fm.createDirectory(atPath: root + "/" + entry.directory, withIntermediateDirectories: true) }
        let stamp = String(format: "%.0f", Date().timeIntervalSince1970 * 1000)
        let manifest = folder + "/manifest-\(stamp).json"
        try CellManifest(runsRoot: root, entries: todo, keepCheckpoints: keepCheckpoints).write(to: manifest)
        let cpus = options.cpusPerTask ?? (todo.map(\.config.threads).max() ?? 1)
        let script = folder + "/array-\(stamp).sbatch"
        let text = Self.slurmScript(experiment: experiment.name, count: todo.count, options: options, cpus: cpus,
                                    logFolder: folder + "/logs", workingDirectory: fm.currentDirectoryPath,
                                    executable: executable, manifest: manifest)
        try AtomicFile.write(Array(text.utf8), to: script)
        chmod(script, 0o755)
        // The user's own --sbatch-arg values come last: they may override ours.
        let arguments = try Self.slurmPathArguments(logFolder: folder + "/logs", workingDirectory: fm.currentDirectoryPath)
            + options.extraArguments
        let job = try commands.submit(script: script, arguments: arguments)
        let array = SlurmArray(job: job, experiment: experiment.name, manifest: manifest, script: script, cells: todo.map(\.cell),
                               directories: todo.map(\.directory), submitted: Date(),
                               command: ["sbatch", "--parsable"] + arguments + [script])
        try recordArray(array)
        say("submitted job array \(job): \(todo.count) of \(cells.count) cells (\(skipped.count) done), "
            + (options.maxParallel.map { "at most \($0) at once, " } ?? "") + "\(cpus) CPU(s) each; script \(script)")
        return array
    }

    /// Waits until Slurm no longer lists `arrays`, ingesting each cell directory as its task ends; returns what
    /// the tasks did. A task that left the queue with its run still `running` (killed without warning, out of
    /// time, node lost) has its run marked interrupted in its directory: the next run resumes it.
    public func waitForSlurm(_ arrays: [SlurmArray], options: SlurmOptions = SlurmOptions(),
                             commands: SlurmCommands = SlurmCommands(), say: (String) -> Void) throws -> Outcome {
        var outcome = Outcome()
        var settled = Set<String>()
        var lastLine = "", lastSaid = Date.distantPast
        let started = Date()
        var failedPolls = 0
        while true {
            // The tasks belong to Slurm, not to this process: a stop signal ends the waiting, not the array.
            if let signal = StopSignal.pending {
                outcome.stoppedBy = signal
                say("\(StopSignal.name(signal)) received: stopped waiting; the array keeps running under Slurm")
                break
            }
            let queue: [SlurmCommands.QueuedTask]
            do {
                queue = try commands.queue()
                failedPolls = 0
                Diagnostics.debug("Slurm poll: squeue lists \(queue.count) task(s) of this user; waiting for job(s) "
                                  + arrays.map(\.job).joined(separator: ","))
            } catch {
                // A controller restart makes squeue fail for a while; give up only if it stays down.
                failedPolls += 1
                if failedPolls >= 6 { throw error }
                say("\(error); retrying")
                usleep(UInt32(min(options.pollInterval, 30) * 1_000_000))
                continue
            }
            let activeJobs = Set(queue.map(\.job))
            var counts: [String: Int] = [:]
            for array in arrays {
                let accounting = activeJobs.contains(array.job) ? nil : commands.accounting(job: array.job)
                for index in array.cells.indices {
                    let key = "\(array.job)_\(index)"
                    guard !settled.contains(key) else { continue }
                    if let q = queue.first(where: { $0.job == array.job && ($0.task == index || $0.task == nil) }) {
                        counts[q.state.lowercased(), default: 0] += 1
                        continue
                    }
                    settled.insert(key)
                    settle(array: array, index: index, slurmState: accounting?[index], into: &outcome, say: say)
                }
            }
            if arrays.allSatisfy({ !activeJobs.contains($0.job) }) { break }
            let done = outcome.succeeded.count, failed = outcome.failed.count + outcome.interrupted.count
            let states = counts.keys.sorted().map { "\(counts[$0]!) \($0)" }.joined(separator: ", ")
            let line = "arrays \(arrays.map(\.job).joined(separator: ",")): \(done) done, \(failed) failed or interrupted, \(states)"
            if line != lastLine || Date().timeIntervalSince(lastSaid) > 60 {
                say(line + ", \(Self.duration(Date().timeIntervalSince(started))) elapsed")
                lastLine = line
                lastSaid = Date()
            }
            usleep(UInt32(max(0.05, options.pollInterval) * 1_000_000))
        }
        return outcome
    }

    /// Ingests the directory of one task that Slurm no longer lists and sorts it into `outcome`.
    private func settle(array: SlurmArray, index: Int, slurmState: String?, into outcome: inout Outcome, say: (String) -> Void) {
        let cell = array.cells[index]
        let dir = URL(fileURLWithPath: runsRoot + "/" + array.directories[index])
        let slurmLog = slurmFolder + "/logs/\(array.job)_\(index).out"
        let state = slurmState.map { " (Slurm: \($0))" } ?? ""
        // Slurm no longer runs the task, so nothing will finish a run still `running`: it was killed without warning.
        let reason = "Slurm task \(array.job)_\(index) ended without finishing the run\(state) (cancelled, pre-empted, "
            + "out of time or node lost); resumes from its last checkpoint on the next run"
        guard let run = markInterruptedIfRunning(dir, reason: reason) else {
            outcome.failed.append((cell, slurmLog))
            say("cell \(cell): task \(array.job)_\(index) ended without starting its run\(state); "
                + "Slurm log \(slurmLog): \(Self.lastLines(of: slurmLog, count: 3))")
            return
        }
        do {
            try store.ingest(directory: dir)
        } catch {
            say("cell \(cell): could not ingest \(dir.path): \(error)")
        }
        if run.status == .running, case .held(let holder) = CellClaim.status(of: dir) {
            outcome.elsewhere.append((cell, holder))
            say(Self.elsewhereMessage(cell, holder) + " (task \(array.job)_\(index))")
            return
        }
        switch run.status {
        case .succeeded:
            outcome.succeeded.append(cell)
            say("cell \(cell) done (task \(array.job)_\(index))")
        case .interrupted:
            outcome.interrupted.append(cell)
            say("cell \(cell) interrupted (task \(array.job)_\(index)): \(run.exitReason ?? "")")
        case .diverged:
            outcome.failed.append((cell, dir.path + "/cell.log"))
            say("cell \(cell) DIVERGED (task \(array.job)_\(index)): \(run.exitReason ?? "")\n  log: \(dir.path)/cell.log")
        case .failed, .running:
            outcome.failed.append((cell, dir.path + "/cell.log"))
            say("cell \(cell) FAILED (task \(array.job)_\(index))\(state): \(run.exitReason ?? "")\n  log: \(dir.path)/cell.log")
        }
    }

    /// Cancels this experiment's arrays that Slurm still lists; returns them. Their tasks get SIGTERM, write a
    /// checkpoint and mark their runs interrupted; wait for them with `waitForSlurm` to ingest that.
    public func cancelSlurm(commands: SlurmCommands = SlurmCommands()) throws -> [SlurmArray] {
        let active = try activeSlurmArrays(commands: commands)
        for array in active { try commands.cancel(job: array.job) }
        return active
    }
}
