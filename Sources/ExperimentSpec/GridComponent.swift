/// An axis or a combination of axes: a list of rows, each the axis values of one cell.
public protocol GridComponent: ExperimentComponent {
    /// The rows, in order; every row holds one assignment per axis it varies.
    func rows() throws -> [[Assignment]]
}

extension GridComponent {
    public func contribute(to parts: inout ExperimentParts) { parts.grid.append(self) }
}

/// One axis value of one cell: the setting, its value's canonical spelling, and how to write it.
public struct Assignment: Sendable {
    /// The setting's dotted name (`lora.rank`), or the axis's own name.
    public let axis: String
    /// The setting's key path, to catch two writes of the same setting.
    public let keyPath: any AnyKeyPath & Sendable
    /// The value as reports print it: canonical JSON, strings without quotes.
    public let value: String
    /// Writes the value into a configuration.
    public let apply: @Sendable (inout TrainingConfig) -> Void
}

extension [Assignment] {
    /// Throws if two assignments of the row write the same setting.
    func checkDistinct() throws {
        for (i, a) in enumerated() {
            for b in self[(i + 1)...] where a.keyPath == b.keyPath {
                throw ExperimentError.duplicateAxis(a.axis)
            }
        }
    }
}
