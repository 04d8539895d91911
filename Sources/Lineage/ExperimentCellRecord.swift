import GRDB

/// A cell's place in an experiment's grid.
///
/// A separate table rather than a column of `cells`, because the cell id hashes the configuration only:
/// two experiments whose grids share a configuration share the cell (and its results).
public struct ExperimentCellRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "experiment_cells"

    /// The experiment's name.
    public var experiment: String
    /// The cell id.
    public var cell: String
    /// The cell's value on each axis of this experiment, as a JSON object text.
    public var axisValues: String

    /// A record.
    public init(experiment: String, cell: String, axisValues: String) {
        self.experiment = experiment
        self.cell = cell
        self.axisValues = axisValues
    }

    enum CodingKeys: String, CodingKey {
        case experiment, cell, axisValues = "axis_values"
    }
}
