/// A fixed setting: one key path of `TrainingConfig` and its value for every cell, `Fix(\.optimizer.learningRate, 1e-4)`.
///
/// Named `Fix` rather than `Set` so that the standard library's `Set` stays visible in every file that imports
/// this module.
public struct Fix<Value: Sendable>: ExperimentComponent {
    /// The setting.
    public let keyPath: WritableKeyPath<TrainingConfig, Value> & Sendable
    /// Its value.
    public let value: Value

    /// Sets `keyPath` to `value` in every cell.
    public init(_ keyPath: WritableKeyPath<TrainingConfig, Value> & Sendable, _ value: Value) {
        self.keyPath = keyPath
        self.value = value
    }

    public func contribute(to parts: inout ExperimentParts) {
        let keyPath = self.keyPath, value = self.value
        parts.settings.append(FixedSetting(label: "Fix(\(AxisName.of(keyPath)))", keyPath: keyPath) { config, _ in
            config[keyPath: keyPath] = value
        })
    }
}
