/// A fixed setting: one key path of `TrainingConfig` and its value for every cell.
public struct Setting<Value: Sendable>: ExperimentComponent {
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
        parts.settings.append(FixedSetting(label: "Set(\(AxisName.of(keyPath)))", keyPath: keyPath) { config, _ in
            config[keyPath: keyPath] = value
        })
    }
}

/// Sets `keyPath` to `value` in every cell: `Set(\.optimizer.learningRate, 1e-4)`.
///
/// A function rather than a type: a type named `Set` would hide the standard library's `Set` in every file
/// that imports this module.
public func Set<Value: Sendable>(_ keyPath: WritableKeyPath<TrainingConfig, Value> & Sendable, _ value: Value) -> Setting<Value> {
    Setting(keyPath, value)
}
