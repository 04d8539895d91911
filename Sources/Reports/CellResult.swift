import Lineage

/// One cell of an experiment as the report shows it: axis values, the chosen run, its metrics and curves.
public struct CellResult: Sendable, Equatable {
    /// The cell id.
    public var cell: String
    /// The cell's status over all its runs.
    public var status: CellStatus
    /// The axis values by axis name, as stored (`0.0002`, `nf4`).
    public var axisValues: [String: String]
    /// The run whose numbers are shown: the latest succeeded one, else the latest one.
    public var run: RunRecord?
    /// That run's final metrics by name.
    public var metrics: [String: Double]
    /// That run's per-step metrics by name (`loss`, `eval_loss`, ...).
    public var series: [String: MetricSeries]
    /// The files that run read.
    public var inputs: [InputRecord]
    /// The canonical configuration (JSON text).
    public var config: String

    /// A cell result.
    public init(cell: String, status: CellStatus, axisValues: [String: String], run: RunRecord?, metrics: [String: Double],
                series: [String: MetricSeries], inputs: [InputRecord], config: String) {
        self.cell = cell
        self.status = status
        self.axisValues = axisValues
        self.run = run
        self.metrics = metrics
        self.series = series
        self.inputs = inputs
        self.config = config
    }

    /// The seed this cell ran with: its `seed` axis, else its run's seed, else "0".
    public var seed: String {
        axisValues[ExperimentResults.seedAxis] ?? run?.seed.map(String.init) ?? "0"
    }
}
