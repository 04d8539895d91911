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

    /// Every cell, in grid order (first axis slowest, then the `--axis` overrides), skipped cells left out.
    ///
    /// `overrides` fix settings after the spec's own (a `--set` wins over a fixed setting) and add axes; a key
    /// the spec varies or derives is an error, since the override would be lost or would replace part of the grid.
    public func cells(overrides: Overrides = .none) throws -> [Cell] {
        var base = try baseConfiguration()
        let rows = try Product(parts.grid).rows()
        try checkConflicts(rows)
        let declared = rows.flatMap { row in row.map { (path: AxisName.of($0.keyPath), by: "axis \($0.axis)") } }
            + parts.ties.map { (path: $0.target, by: "Tie(\($0.target))") }
        let resolved = try ResolvedOverrides(overrides, base: base, declared: declared)
        base = try ResolvedOverrides.apply(resolved.fixed, to: base)
        var cells: [Cell] = []
        var seen: [String: String] = [:]
        for (row, overrideRow) in rows.flatMap({ row in resolved.rows.map { (row, $0) } }) {
            var config = base
            for assignment in row { assignment.apply(&config) }
            config = try ResolvedOverrides.apply(overrideRow, to: config)
            for tie in parts.ties { tie.apply(&config) }
            let cell = Cell(experiment: name, config: config,
                            axisValues: row.map { Cell.AxisValue(name: $0.axis, value: $0.value) }
                                + overrideRow.map { Cell.AxisValue(name: $0.key, value: SettingValue.label($0.value)) })
            if parts.skips.contains(where: { $0.predicate(cell) }) { continue }
            if let problem = config.validationProblems().first {
                throw ExperimentError.invalidConfiguration(cell: cell.label, reason: problem)
            }
            let json = try cell.canonicalJSON()
            if let earlier = seen[json] { throw ExperimentError.duplicateCell(first: earlier, second: cell.label) }
            seen[json] = cell.label
            cells.append(Cell(experiment: cell.experiment, config: cell.config, axisValues: cell.axisValues, canonicalJSON: json))
        }
        guard !cells.isEmpty else { throw ExperimentError.noCells(name) }
        return cells
    }

    /// The axis names in declaration order (a union may vary different axes in different cells), then the
    /// keys of the `--axis` overrides.
    public func axisNames(overrides: Overrides = .none) throws -> [String] {
        var names: [String] = []
        for row in try Product(parts.grid).rows() {
            for a in row where !names.contains(a.axis) { names.append(a.axis) }
        }
        for (key, _) in overrides.variedSettings where !names.contains(key) { names.append(key) }
        return names
    }

    /// Whether `name` can name an experiment: lower-case letters, digits and dashes, not starting with a dash
    /// (it becomes a folder of `runs/` and `reports/`).
    public static func isValidName(_ name: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        return !name.isEmpty && name.allSatisfy(allowed.contains) && name.first != "-"
    }

    private func validateDeclarations() throws {
        guard Self.isValidName(name) else { throw ExperimentError.invalidName(name) }
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
