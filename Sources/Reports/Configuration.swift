/// The cells of one point of the grid that differ only in their seed.
public struct Configuration: Sendable, Equatable {
    /// The configuration axes' values, in axis order.
    public var key: [String]
    /// Its cells, one per seed.
    public var cells: [CellResult]

    /// A configuration.
    public init(key: [String], cells: [CellResult]) {
        self.key = key
        self.cells = cells
    }

    /// Metric `name` by seed, over the cells that recorded it.
    public func values(of name: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for cell in cells { if let v = cell.metrics[name] { values[cell.seed] = v } }
        return values
    }

    /// Mean and 95% interval of metric `name` over the seeds.
    public func summary(of name: String) -> SampleSummary {
        let byseed = values(of: name)
        return SampleSummary(byseed.keys.sorted().map { byseed[$0]! })
    }
}
