/// A declared experiment: a name, prose for the report, fixed settings and axes, expanded into cells.
///
/// ```swift
/// Experiment("learning-rate") {
///     Description("Table 9's learning rates on SmolLM2-135M.")
///     Model.smolLM2_135M
///     Dataset.tasks(.english)
///     QLoRA.paperDefaults.scaled(steps: 200, batchSize: 8, sourceLength: 128, targetLength: 64)
///     Axis(\.optimizer.learningRate, [1e-4, 2e-4])
///     Seeds(3)
///     Evaluate { HeldOutLoss(); ExactAnswers(.arithmetic) }
/// }
/// ```
///
/// Fixed settings apply to the defaults in declaration order; then each cell writes its axis values, then the
/// ties run, then the skips filter. Contradictions (a setting fixed and varied, a setting varied twice) are
/// errors rather than silent overrides.
public struct Experiment: Sendable {
    /// The experiment's name: a directory name and the argument of `qlab plan`.
    public let name: String
    /// What the body declared.
    public let parts: ExperimentParts

    /// Declares experiment `name`.
    public init(_ name: String, @ExperimentBuilder _ body: () -> [any ExperimentComponent]) {
        self.name = name
        var parts = ExperimentParts()
        for component in body() { component.contribute(to: &parts) }
        self.parts = parts
    }

    /// The prose the report prints.
    public var prose: ExperimentProse { parts.prose }

    /// The configuration every cell starts from: the defaults with the fixed settings applied.
    public func baseConfiguration() throws -> TrainingConfig {
        try validateDeclarations()
        var config = TrainingConfig()
        let context = PresetContext(model: parts.model)
        for setting in parts.settings { try setting.apply(&config, context) }
        return config
    }

    /// Every cell, in grid order (first axis slowest), skipped cells left out.
    public func cells() throws -> [Cell] {
        let base = try baseConfiguration()
        let rows = try Product(parts.grid).rows()
        try checkConflicts(rows)
        var cells: [Cell] = []
        var seen: [String: String] = [:]
        for row in rows {
            var config = base
            for assignment in row { assignment.apply(&config) }
            for tie in parts.ties { tie.apply(&config) }
            let cell = Cell(experiment: name, config: config,
                            axisValues: row.map { Cell.AxisValue(name: $0.axis, value: $0.value) })
            if parts.skips.contains(where: { $0.predicate(cell) }) { continue }
            if let problem = config.validationProblems().first {
                throw ExperimentError.invalidConfiguration(cell: cell.label, reason: problem)
            }
            let json = try cell.canonicalJSON()
            if let earlier = seen[json] { throw ExperimentError.duplicateCell(first: earlier, second: cell.label) }
            seen[json] = cell.label
            cells.append(cell)
        }
        guard !cells.isEmpty else { throw ExperimentError.noCells(name) }
        return cells
    }

    /// The axis names in declaration order (a union may vary different axes in different cells).
    public func axisNames() throws -> [String] {
        var names: [String] = []
        for row in try Product(parts.grid).rows() {
            for a in row where !names.contains(a.axis) { names.append(a.axis) }
        }
        return names
    }

    private func validateDeclarations() throws {
        let allowed = Swift.Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard !name.isEmpty, name.allSatisfy(allowed.contains), name.first != "-" else {
            throw ExperimentError.invalidName(name)
        }
        if let problem = parts.problems.first { throw problem }
    }

    private func checkConflicts(_ rows: [[Assignment]]) throws {
        var varied: [AnyKeyPath: String] = [:]
        for row in rows { for a in row { varied[a.keyPath] = a.axis } }
        for setting in parts.settings {
            if let path = setting.keyPath, let axis = varied[path] {
                throw ExperimentError.settingIsAlsoAnAxis(setting: setting.label, axis: axis)
            }
        }
        for tie in parts.ties {
            if let axis = varied[tie.keyPath] {
                throw ExperimentError.settingIsAlsoAnAxis(setting: "Tie(\(tie.target))", axis: axis)
            }
        }
    }
}
