import Foundation
import Support

/// The Slurm client commands (`sbatch`, `squeue`, `scancel`, `sacct`) run as subprocesses.
public struct SlurmCommands: Sendable {
    /// One line of `squeue`: an array task and its state.
    public struct QueuedTask: Sendable, Equatable {
        /// The array's job id.
        public var job: String
        /// The task index (`SLURM_ARRAY_TASK_ID`), nil for a job that is not an array.
        public var task: Int?
        /// PENDING, RUNNING, COMPLETING, ...
        public var state: String
    }

    /// The folders searched for the commands, `PATH`'s syntax.
    public var searchPath: String
    /// How long one command may take: a Slurm controller that does not answer must not hang qlab forever.
    public var timeout: Duration

    /// The commands found on `searchPath` (this process's `PATH` by default).
    public init(searchPath: String = ProgramSearch.searchPath(), timeout: Duration = .seconds(300)) {
        self.searchPath = searchPath
        self.timeout = timeout
    }

    /// The full path of `tool` on this process's `PATH`, or nil.
    public static func locate(_ tool: String) -> String? {
        SlurmCommands().find(tool)
    }

    /// The full path of `tool` on `searchPath`, or nil.
    public func find(_ tool: String) -> String? {
        ProgramSearch.find(tool, searchPath: searchPath)
    }

    /// Runs `tool arguments` and returns its exit status and output, read both at once.
    func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        guard let path = find(tool) else {
            throw RunnerError.slurm("`\(tool)` is not on PATH: run this on a machine with the Slurm client commands (a login node), or use the local executor")
        }
        var program = ExternalProgram(path, arguments)
        program.timeout = timeout
        let result = try program.run()
        switch result.termination {
        case .exited(let status):
            return (status, result.output, result.errorOutput)
        case .signaled(let signal):
            throw RunnerError.slurm("`\(tool)` was killed by signal \(signal): \(result.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines))")
        case .statusLost:
            throw RunnerError.slurm("the exit status of `\(tool)` could not be collected (is SIGCHLD ignored in this process?)")
        case .timedOut:
            throw RunnerError.slurm("`\(tool) \(arguments.joined(separator: " "))` did not finish within \(timeout) and was killed; is the Slurm controller reachable?")
        }
    }

    /// `sbatch --parsable ARGS SCRIPT`; returns the job id.
    public func submit(script: String, arguments: [String]) throws -> String {
        let r = try run("sbatch", ["--parsable"] + arguments + [script])
        guard r.status == 0 else {
            throw RunnerError.slurm("sbatch refused \(script) (exit \(r.status)): \(r.err.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        // --parsable prints "jobid" or "jobid;cluster".
        let line = r.out.split(separator: "\n").last.map(String.init) ?? ""
        let id = line.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw RunnerError.slurm("sbatch printed no job id for \(script): \(r.out)\(r.err)")
        }
        return id
    }

    /// This user's queued and running array tasks, one per line (`squeue --me --array`).
    public func queue() throws -> [QueuedTask] {
        let r = try run("squeue", ["--me", "--array", "--noheader", "--format=%F|%K|%T"])
        guard r.status == 0 else {
            throw RunnerError.slurm("squeue failed (exit \(r.status)): \(r.err.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return Self.parseQueue(r.out)
    }

    /// Parses `%F|%K|%T` lines; a job that is not an array shows `N/A` as its task.
    static func parseQueue(_ text: String) -> [QueuedTask] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 3, !fields[0].isEmpty else { return nil }
            return QueuedTask(job: fields[0], task: Int(fields[1]), state: fields[2])
        }
    }

    /// `scancel JOB` (the whole array) or `scancel JOB_TASK`.
    public func cancel(job: String, task: Int? = nil) throws {
        let target = task.map { "\(job)_\($0)" } ?? job
        let r = try run("scancel", [target])
        guard r.status == 0 else {
            throw RunnerError.slurm("scancel \(target) failed (exit \(r.status)): \(r.err.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// Final states of an array's tasks from `sacct` (task → "CANCELLED by 0", "TIMEOUT", ...), or nil when
    /// accounting is off or `sacct` is missing: the cell directories then tell what happened.
    public func accounting(job: String) -> [Int: String]? {
        guard find("sacct") != nil, let r = try? run("sacct", ["--noheader", "--parsable2", "--allocations", "--jobs", job, "--format=JobID,State,ExitCode"]),
              r.status == 0 else { return nil }
        var states: [Int: String] = [:]
        for line in r.out.split(separator: "\n") {
            let fields = line.split(separator: "|").map(String.init)
            guard fields.count >= 3, let underscore = fields[0].firstIndex(of: "_"), let task = Int(fields[0][fields[0].index(after: underscore)...]) else { continue }
            states[task] = "\(fields[1]) (exit \(fields[2]))"
        }
        return states.isEmpty ? nil : states
    }
}
