/// A named bundle of fixed settings (the paper's defaults, a Table 9 row), applied where it is declared.
public struct Preset: ExperimentComponent {
    /// The preset's name, for reports and errors.
    public let name: String
    private let steps: [@Sendable (inout TrainingConfig, PresetContext) throws -> Void]

    /// A preset named `name` that runs `apply`.
    public init(_ name: String, _ apply: @escaping @Sendable (inout TrainingConfig, PresetContext) throws -> Void) {
        self.name = name
        steps = [apply]
    }

    private init(name: String, steps: [@Sendable (inout TrainingConfig, PresetContext) throws -> Void]) {
        self.name = name
        self.steps = steps
    }

    /// Writes the preset's settings into `config`.
    public func apply(to config: inout TrainingConfig, context: PresetContext) throws {
        for step in steps { try step(&config, context) }
    }

    /// The defaults with this preset applied, for a model of `model`.
    public func configuration(for model: Model? = nil) throws -> TrainingConfig {
        var config = TrainingConfig()
        if let model { config.model.name = model.name }
        try apply(to: &config, context: PresetContext(model: model))
        return config
    }

    /// The same preset shrunk for a small model or a quick run: the given sizes replace the preset's, the rest stays.
    public func scaled(steps: Int? = nil, batchSize: Int? = nil, sourceLength: Int? = nil, targetLength: Int? = nil) -> Preset {
        var parts: [String] = []
        if let steps { parts.append("steps: \(steps)") }
        if let batchSize { parts.append("batchSize: \(batchSize)") }
        if let sourceLength { parts.append("sourceLength: \(sourceLength)") }
        if let targetLength { parts.append("targetLength: \(targetLength)") }
        return Preset(name: "\(name).scaled(\(parts.joined(separator: ", ")))", steps: self.steps + [{ config, _ in
            if let steps { config.steps = steps }
            if let batchSize {
                config.batchSize = batchSize
                // A smaller batch may no longer split into the preset's micro-batches; fall back to one.
                if batchSize % config.gradientAccumulation != 0 { config.gradientAccumulation = 1 }
            }
            if let sourceLength { config.data.sourceMaxLength = sourceLength }
            if let targetLength { config.data.targetMaxLength = targetLength }
        }])
    }

    public func contribute(to parts: inout ExperimentParts) {
        let preset = self
        parts.settings.append(FixedSetting(label: name) { config, context in
            try preset.apply(to: &config, context: context)
        })
    }
}
