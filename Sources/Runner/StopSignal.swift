import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT as a request to stop at the next step boundary rather than at once.
///
/// Slurm sends SIGTERM when a task is cancelled, pre-empted or out of time, and SIGKILL only after its
/// `KillWait`; a worker that catches the first writes a checkpoint of its last step and marks its run
/// interrupted, so that the next run resumes exactly there instead of at the last periodic checkpoint.
public enum StopSignal {
    /// The signal that arrived, 0 while none has.
    private static let received = Atomic<Int32>(0)

    /// Installs the handlers (once per process; installing again changes nothing).
    public static func install() {
        signal(SIGTERM) { number in StopSignal.received.store(number, ordering: .relaxed) }
        signal(SIGINT) { number in StopSignal.received.store(number, ordering: .relaxed) }
    }

    /// The signal received so far, if any.
    public static var pending: Int32? {
        let value = received.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// The name of a signal number, for messages.
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        default: "signal \(number)"
        }
    }
}
