/// One point of an experiment's grid: a complete configuration and the axis values that chose it.
public struct Cell: Sendable, Equatable {
    /// The experiment it belongs to.
    public let experiment: String
    /// The fully resolved configuration the trainer runs.
    public let config: TrainingConfig
    /// The axis values of this cell, in the order the axes were declared.
    public let axisValues: [AxisValue]
    /// The canonical JSON of `config`, when the grid's expansion already wrote it (it needs it to find duplicate
    /// cells): planning a large grid otherwise encoded every configuration three times.
    let knownCanonicalJSON: String?

    /// A cell of `experiment`.
    public init(experiment: String, config: TrainingConfig, axisValues: [AxisValue]) {
        self.init(experiment: experiment, config: config, axisValues: axisValues, canonicalJSON: nil)
    }

    init(experiment: String, config: TrainingConfig, axisValues: [AxisValue], canonicalJSON: String?) {
        self.experiment = experiment
        self.config = config
        self.axisValues = axisValues
        self.knownCanonicalJSON = canonicalJSON
    }

    public static func == (a: Cell, b: Cell) -> Bool {
        a.experiment == b.experiment && a.config == b.config && a.axisValues == b.axisValues
    }

    /// One axis's value, as reports print it.
    public struct AxisValue: Sendable, Equatable, Hashable, Codable {
        /// The axis (the dotted setting name, e.g. `lora.rank`).
        public let name: String
        /// The value's canonical spelling (`8`, `0.0002`, `nf4`).
        public let value: String

        /// The value `value` of axis `name`.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The value of axis `name` in this cell, if the cell varies it.
    public subscript(axis name: String) -> String? {
        axisValues.first { $0.name == name }?.value
    }

    /// `name=value` pairs, for logs and error messages.
    public var label: String {
        axisValues.isEmpty ? "(no axes)" : axisValues.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
    }

    /// The files the cell reads, by the names its configuration uses: the base model, the adapter it starts from
    /// (if any), the training data, the
    /// datasets its evaluation asks questions from, then the text files whose perplexity it measures.
    public var inputs: [String] {
        var names = [config.model.name]
        // The adapter it starts from is read like the base: its content is part of the cell's identity.
        if let adapter = config.model.adapter, !names.contains(adapter) { names.append(adapter) }
        let evaluated = config.evaluation.exactAnswers.map(\.dataset) + config.evaluation.perplexity.flatMap(\.files)
            + config.evaluation.benchmarks.map(\.path) + (config.evaluation.tournament?.promptsFile.map { [$0] } ?? [])
        for name in config.data.datasets + evaluated where !names.contains(name) {
            names.append(name)
        }
        return names
    }

    /// The canonical JSON of the configuration.
    public func canonicalJSON() throws -> String { try knownCanonicalJSON ?? CanonicalJSON.string(config) }

    /// The cell's identity given the input hashes and its canonical JSON, computed once by the caller.
    public func identity(inputHashes: [String: String], canonicalJSON: String) -> CellIdentity {
        CellIdentity(canonicalConfig: canonicalJSON, inputs: inputs, inputHashes: inputHashes)
    }

    /// The cell's identity given the content hashes of the files it reads (keyed by `inputs` names; other
    /// entries are ignored, so one map can serve a whole grid).
    public func identity(inputHashes: [String: String]) throws -> CellIdentity {
        CellIdentity(canonicalConfig: try canonicalJSON(), inputs: inputs, inputHashes: inputHashes)
    }
}
