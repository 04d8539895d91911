/// Where a grid cell stands, derived from all of its runs.
public enum CellStatus: String, Codable, Sendable, CaseIterable {
    /// Some run of the cell succeeded.
    case done
    /// A run is in progress and none succeeded.
    case running
    /// The latest run failed.
    case failed
    /// The latest run was interrupted (its checkpoint can be resumed).
    case interrupted
    /// The latest run diverged (its last good checkpoint is kept; the same settings diverge again).
    case diverged
    /// The cell was never run.
    case pending
    /// A run succeeded, but the folder it wrote is gone (removed by hand): its results are no longer there, so
    /// `qlab run` makes them again. The store alone cannot tell; the runner sets it when it plans.
    case missing

    /// Applies the status rules to a cell's run statuses, oldest run first.
    public init(runStatusesOldestFirst statuses: [RunStatus]) {
        // One success is enough: a later failed rerun does not undo a result that exists.
        if statuses.contains(.succeeded) {
            self = .done
        } else if statuses.contains(.running) {
            self = .running
        } else if let last = statuses.last {
            switch last {
            case .failed: self = .failed
            case .diverged: self = .diverged
            default: self = .interrupted
            }
        } else {
            self = .pending
        }
    }
}
