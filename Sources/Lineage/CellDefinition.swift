/// A cell as an experiment declares it: what `recordExperiment` takes.
public struct CellDefinition: Sendable, Equatable {
    /// The cell hash.
    public var id: String
    /// The canonical configuration as JSON text.
    public var config: String
    /// The cell's axis values as a JSON object text, e.g. `{"optimizer.learningRate":0.0002,"seed":1}`.
    public var axisValues: String

    /// A definition.
    public init(id: String, config: String, axisValues: String) {
        self.id = id
        self.config = config
        self.axisValues = axisValues
    }
}
