/// Where a run stands: `running` until it ends one of the other ways.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case running
    case succeeded
    case failed
    /// The process died without saying so (killed, machine lost); found by `markInterruptedRuns`.
    case interrupted
    /// Training stopped on non-finite values or a stuck loss; its last good checkpoint is kept. Running it again
    /// repeats the same arithmetic, so it diverges again unless a setting changes.
    case diverged
}
