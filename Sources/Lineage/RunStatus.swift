/// Where a run stands: `running` until it ends one of the three other ways.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case running
    case succeeded
    case failed
    /// The process died without saying so (killed, machine lost); found by `markInterruptedRuns`.
    case interrupted
}
