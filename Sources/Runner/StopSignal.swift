import CProcessControl
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP as a request to stop at the next step boundary rather than at once.
///
/// Slurm sends SIGTERM when a task is cancelled, pre-empted or out of time, and SIGKILL only after its
/// `KillWait`; a worker that catches the first writes a checkpoint of its last step and marks its run
/// interrupted, so that the next run resumes exactly there instead of at the last periodic checkpoint.
/// A coordinator catches the same signals (`timeout`, systemd, a closed terminal) to pass them on to its
/// workers and wait for their checkpoints instead of leaving them orphaned.
public enum StopSignal {
    /// The signal that arrived, 0 while none has.
    private static let received = Atomic<Int32>(0)

    /// Installs the handlers (once per process; installing again changes nothing).
    public static func install() {
        signal(SIGTERM) { number in StopSignal.received.store(number, ordering: .relaxed) }
        signal(SIGINT) { number in StopSignal.received.store(number, ordering: .relaxed) }
        signal(SIGHUP) { number in StopSignal.received.store(number, ordering: .relaxed) }
        // A blocked signal mask is inherited through fork and exec: a process started by one that blocks
        // these (some supervisors and test runners do) would never see them, and neither would its workers.
        var set = sigset_t()
        sigemptyset(&set)
        for number in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, number) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The signal received so far, if any.
    public static var pending: Int32? {
        let value = received.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// The exit status of a process that stopped because of `number` (the shell's 128 + N).
    public static func exitStatus(_ number: Int32) -> Int32 { 128 + number }

    /// Asks the kernel to send this process SIGTERM when the process that started it dies (however it dies,
    /// SIGKILL included), so a worker never trains on with nobody to ingest its cell. Call after `install()`.
    /// A parent that died before the request leaves the process with init (or a subreaper) as its parent:
    /// that counts as the signal having arrived.
    public static func stopWhenParentDies(startedBy parent: pid_t) {
        _ = qlab_set_parent_death_signal(SIGTERM)
        if getppid() != parent { received.store(SIGTERM, ordering: .relaxed) }
    }

    /// The name of a signal number, for messages.
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        case SIGKILL: "SIGKILL"
        default: "signal \(number)"
        }
    }
}
