/// One declaration inside `Experiment(name) { … }`: prose, the model, data, a fixed setting, an axis, a
/// constraint or the evaluation.
public protocol ExperimentComponent: Sendable {
    /// Records the declaration in the experiment under construction.
    func contribute(to parts: inout ExperimentParts)
}

/// Everything an experiment's body declared, in declaration order; `Experiment` expands it into cells.
public struct ExperimentParts: Sendable {
    /// The Markdown sections the report prints.
    public var prose = ExperimentProse()
    /// The base model, if one was declared.
    public var model: Model?
    /// Dataset names in declaration order.
    public var datasets: [String] = []
    /// Fixed settings and presets, applied to the defaults in declaration order.
    public var settings: [FixedSetting] = []
    /// The top-level axes and combinators, combined as a product.
    public var grid: [any GridComponent] = []
    /// Derived settings, applied to every cell after its axis values.
    public var ties: [Tie] = []
    /// Predicates that drop cells.
    public var skips: [Skip] = []
    /// The evaluation, if declared (otherwise the defaults of `EvaluationSettings`).
    public var evaluation: EvaluationSettings?
    /// Declarations that contradict each other, reported when the experiment is expanded.
    public var problems: [ExperimentError] = []

    /// Nothing declared yet.
    public init() {}
}

/// A fixed setting (a preset, `Fix`, the model or the data) as a step applied to the configuration.
public struct FixedSetting: Sendable {
    /// What the step sets, for error messages.
    public let label: String
    /// The setting's key path when it sets exactly one, so that a clash with an axis can be caught.
    public let keyPath: (any AnyKeyPath & Sendable)?
    /// Applies the step; the context carries what a preset may depend on (the model's size).
    public let apply: @Sendable (inout TrainingConfig, PresetContext) throws -> Void

    /// A step named `label` that runs `apply`.
    public init(label: String, keyPath: (any AnyKeyPath & Sendable)? = nil,
                apply: @escaping @Sendable (inout TrainingConfig, PresetContext) throws -> Void) {
        self.label = label
        self.keyPath = keyPath
        self.apply = apply
    }
}

/// What a preset may read while it is applied.
public struct PresetContext: Sendable {
    /// The experiment's base model (its size decides QLoRA's LoRA dropout).
    public var model: Model?

    /// A context for `model`.
    public init(model: Model?) { self.model = model }
}
