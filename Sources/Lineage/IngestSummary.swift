/// What `LineageStore.ingest(directory:)` read from a cell directory.
public struct IngestSummary: Sendable, Equatable {
    /// The run's id.
    public var run: String
    /// The cell id.
    public var cell: String
    /// The experiment's name.
    public var experiment: String
    /// Step lines read.
    public var steps: Int
    /// Final metrics read.
    public var finalMetrics: Int
    /// Artifacts read.
    public var artifacts: Int
    /// Inputs read.
    public var inputs: Int
    /// Whether the step log's last line was cut off and skipped.
    public var stepLogCutOff: Bool

    /// A summary.
    public init(run: String, cell: String, experiment: String, steps: Int, finalMetrics: Int, artifacts: Int, inputs: Int, stepLogCutOff: Bool) {
        self.run = run
        self.cell = cell
        self.experiment = experiment
        self.steps = steps
        self.finalMetrics = finalMetrics
        self.artifacts = artifacts
        self.inputs = inputs
        self.stepLogCutOff = stepLogCutOff
    }
}
