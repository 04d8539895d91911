/// Drops the cells a predicate matches: `Skip { $0.config.model.quantization == .none && $0.config.model.doubleQuant }`.
///
/// The predicate sees the cell after ties, so it can test derived settings too.
public struct Skip: ExperimentComponent {
    /// Why these cells are left out, for the report.
    public let reason: String
    /// True for a cell to drop.
    public let predicate: @Sendable (Cell) -> Bool

    /// Drops the cells for which `predicate` is true.
    public init(_ reason: String = "", _ predicate: @escaping @Sendable (Cell) -> Bool) {
        self.reason = reason
        self.predicate = predicate
    }

    public func contribute(to parts: inout ExperimentParts) { parts.skips.append(self) }
}
