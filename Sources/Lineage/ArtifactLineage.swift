/// Where an artifact came from: the run that wrote it, its cell's configuration, inputs, code and ancestry.
public struct ArtifactLineage: Sendable, Equatable {
    /// The artifact.
    public var artifact: ArtifactRecord
    /// The run that produced it (code version, machine, BLAS core, threads and seed are on it).
    public var run: RunRecord
    /// The cell the run computed, with its canonical configuration.
    public var cell: CellRecord
    /// The experiments whose grids contain the cell, by name.
    public var experiments: [String]
    /// The files the run read: base model, datasets, initial adapter.
    public var inputs: [InputRecord]
    /// The run's parent, its parent's parent, and so on (nearest first).
    public var parents: [RunRecord]

    /// A lineage.
    public init(artifact: ArtifactRecord, run: RunRecord, cell: CellRecord, experiments: [String], inputs: [InputRecord], parents: [RunRecord]) {
        self.artifact = artifact
        self.run = run
        self.cell = cell
        self.experiments = experiments
        self.inputs = inputs
        self.parents = parents
    }
}
