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
    /// The cell was never run.
    case pending

    /// Applies the status rules to a cell's run statuses, oldest run first.
    public init(runStatusesOldestFirst statuses: [RunStatus]) {
        // One success is enough: a later failed rerun does not undo a result that exists.
        if statuses.contains(.succeeded) {
            self = .done
        } else if statuses.contains(.running) {
            self = .running
        } else if let last = statuses.last {
            self = last == .failed ? .failed : .interrupted
        } else {
            self = .pending
        }
    }
}
