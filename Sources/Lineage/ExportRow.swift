import Support
/// One cell of an exported experiment: its axis values, status and the final metrics of its chosen run.
public struct ExportRow: Sendable, Equatable, Encodable {
    /// The cell id.
    public var cell: String
    /// The cell's status.
    public var status: CellStatus
    /// The run whose metrics are shown: the latest succeeded one, else the latest one.
    public var run: String?
    /// The cell's axis values by axis name, typed as its configuration has them (`8`, not `"8"`).
    public var axisValues: [String: JSONValue]
    /// The same values as plans and charts spell them (the CSV's text).
    public var axisLabels: [String: String]
    /// The run's final metrics by name.
    public var metrics: [String: Double]

    /// A row.
    public init(cell: String, status: CellStatus, run: String?, axisValues: [String: JSONValue], axisLabels: [String: String]? = nil,
                metrics: [String: Double]) {
        self.cell = cell
        self.status = status
        self.run = run
        self.axisValues = axisValues
        self.axisLabels = axisLabels ?? axisValues.mapValues(\.plainText)
        self.metrics = metrics
    }

    enum CodingKeys: String, CodingKey {
        case cell, status, run, axisValues = "axis_values", metrics
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cell, forKey: .cell)
        try container.encode(status, forKey: .status)
        try container.encode(run, forKey: .run)
        try container.encode(axisValues, forKey: .axisValues)
        // JSONValue writes NaN and infinities as null, which plain Double encoding would refuse.
        try container.encode(metrics.mapValues { JSONValue.number($0) }, forKey: .metrics)
    }
}
