/// A derived setting, computed in every cell after its axis values:
/// `Tie(\.lora.alpha, to: \.lora.rank) { r in Double(2 * r) }`.
public struct Tie: ExperimentComponent {
    /// The dotted name of the derived setting.
    public let target: String
    /// The derived setting's key path, to catch a tie that would overwrite an axis.
    public let keyPath: any AnyKeyPath & Sendable
    /// Computes and writes the setting.
    public let apply: @Sendable (inout TrainingConfig) -> Void

    /// Sets `target` to `derive(source)`.
    public init<Target: Sendable, Source>(_ target: WritableKeyPath<TrainingConfig, Target> & Sendable,
                                          to source: KeyPath<TrainingConfig, Source> & Sendable,
                                          _ derive: @escaping @Sendable (Source) -> Target) {
        self.target = AxisName.of(target)
        keyPath = target
        apply = { config in config[keyPath: target] = derive(config[keyPath: source]) }
    }

    /// Sets `target` from the whole configuration, for settings derived from several others.
    public init<Target: Sendable>(_ target: WritableKeyPath<TrainingConfig, Target> & Sendable,
                                  _ derive: @escaping @Sendable (TrainingConfig) -> Target) {
        self.target = AxisName.of(target)
        keyPath = target
        apply = { config in config[keyPath: target] = derive(config) }
    }

    public func contribute(to parts: inout ExperimentParts) { parts.ties.append(self) }
}
