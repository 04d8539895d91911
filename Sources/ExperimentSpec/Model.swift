/// The base model of an experiment: a short name the model loader knows, a checkpoint directory or a GGUF file.
public struct Model: ExperimentComponent, Equatable, Hashable {
    /// What goes into `ModelSettings.name`.
    public let name: String
    /// Parameter count, when known; size-dependent presets (QLoRA's dropout) need it.
    public let parameters: Int?

    /// A model named `name` with `parameters` parameters.
    public init(_ name: String, parameters: Int? = nil) {
        self.name = name
        self.parameters = parameters
    }

    /// SmolLM2-135M-Instruct, the project's demo model; the size is the nominal one from its name.
    public static let smolLM2_135M = Model("smollm2-135m", parameters: 135_000_000)

    /// Gemma 3 270M, Google's multilingual pretrained base (Q4_K_M GGUF); the size is the nominal one from its name.
    public static let gemma3_270M = Model("gemma3-270m", parameters: 270_000_000)

    /// A checkpoint directory or GGUF file on disk.
    public static func path(_ path: String, parameters: Int? = nil) -> Model {
        Model(path, parameters: parameters)
    }

    public func contribute(to parts: inout ExperimentParts) {
        if let first = parts.model {
            parts.problems.append(.duplicateModel(first: first.name, second: name))
            return
        }
        parts.model = self
        let name = self.name
        parts.settings.append(FixedSetting(label: "Model(\(name))", keyPath: \TrainingConfig.model.name) { config, _ in
            config.model.name = name
        })
    }
}
