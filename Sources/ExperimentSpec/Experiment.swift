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
    /// `overrides` fix settings after the spec's own (a `--set` wins over a fixed setting) and add axes. An
    /// `--axis` on a setting the spec varies on an axis of its own replaces that axis's values (the cell keeps the
    /// axis's name and place); a `--set` on it, or any override of a setting a tie derives or an axis varies only
    /// together with others (a union or zip), is an error, since the override would be lost or would replace part
    /// of the grid.
    public func cells(overrides given: Overrides = .none) throws -> [Cell] {
        var base = try baseConfiguration()
        let overrides = given.expandingShortKeys(among: Set(try ResolvedOverrides.settings(of: base).keys))
        let declaredRows = try Product(parts.grid).rows()
        try checkConflicts(declaredRows)
        let (rows, replaced) = try Self.removing(axes: overrides.variedSettings.map(\.key), from: declaredRows)
        let declared = rows.flatMap { row in row.map { (path: AxisName.of($0.keyPath), by: "axis \($0.axis)") } }
            + parts.ties.map { (path: $0.target, by: "Tie(\($0.target))") }
        let resolved = try ResolvedOverrides(overrides, base: base, declared: declared)
        base = try ResolvedOverrides.apply(resolved.fixed, to: base)
        var cells: [Cell] = []
        var seen: [String: String] = [:]
        // The override values are written once per row of them, not once per cell: they never touch what the
        // spec's axes write (that is refused above), so writing them first gives the same configuration.
        let overridden = try resolved.rows.map { try ResolvedOverrides.apply($0, to: base) }
        // Cells differ in few settings: their canonical texts share most members' texts.
        let texts = CanonicalMemberCache()
        for (row, (overrideRow, start)) in rows.flatMap({ row in zip(resolved.rows, overridden).map { (row, $0) } }) {
            var config = start
            for assignment in row { assignment.apply(&config) }
            for tie in parts.ties { tie.apply(&config) }
            var values = row.map { Cell.AxisValue(name: $0.axis, value: $0.value) }
            var added: [Cell.AxisValue] = []
            for v in overrideRow {
                let value = Cell.AxisValue(name: replaced[v.key]?.name ?? v.key, value: SettingValue.label(v.value))
                if replaced[v.key] == nil { added.append(value) } else { values.append(value) }
            }
            // A replaced axis goes back to its declared place (the places were recorded in removal order).
            for place in replaced.values.sorted(by: { $0.order < $1.order }).reversed() {
                let i = values.firstIndex { $0.name == place.name }!
                values.insert(values.remove(at: i), at: min(place.index, values.count))
            }
            let cell = Cell(experiment: name, config: config, axisValues: values + added)
            if parts.skips.contains(where: { $0.predicate(cell) }) { continue }
            if let problem = config.validationProblems().first {
                throw ExperimentError.invalidConfiguration(cell: cell.label, reason: problem)
            }
            let json = try texts.string(config)
            if let earlier = seen[json] { throw ExperimentError.duplicateCell(first: earlier, second: cell.label) }
            seen[json] = cell.label
            cells.append(Cell(experiment: cell.experiment, config: cell.config, axisValues: cell.axisValues, canonicalJSON: json))
        }
        guard !cells.isEmpty else { throw ExperimentError.noCells(name) }
        return cells
    }

    /// The axis names in declaration order (a union may vary different axes in different cells), then the
    /// keys of the `--axis` overrides.
    public func axisNames(overrides given: Overrides = .none) throws -> [String] {
        let overrides = given.expandingShortKeys(among: Set(try ResolvedOverrides.settings(of: try baseConfiguration()).keys))
        var names: [String] = []
        for row in try Product(parts.grid).rows() {
            for a in row where !names.contains(a.axis) { names.append(a.axis) }
        }
        let declaredPaths = Set(try Product(parts.grid).rows().flatMap { $0.map { AxisName.of($0.keyPath) } })
        for (key, _) in overrides.variedSettings where !names.contains(key) && !declaredPaths.contains(key) { names.append(key) }
        return names
    }

    /// The declared rows without the assignments of `keys` (settings an `--axis` replaces), each remaining row
    /// once, and the axis name of each key removed. A key no axis varies is left for the override checks; one
    /// varied in only some rows, or together with another axis (so that dropping it does not leave a plain
    /// product), cannot be replaced and is an error.
    static func removing(axes keys: [String], from declared: [[Assignment]]) throws
        -> (rows: [[Assignment]], places: [String: (name: String, index: Int, order: Int)]) {
        var rows = declared
        var places: [String: (name: String, index: Int, order: Int)] = [:]
        for key in keys {
            let carrying = rows.map { row in row.filter { AxisName.of($0.keyPath) == key } }
            guard carrying.contains(where: { !$0.isEmpty }) else { continue }
            let axis = carrying.first { !$0.isEmpty }![0].axis
            let reason = "axis \(axis), which varies together with other settings; declare the change in the spec"
            let index = rows[0].firstIndex { AxisName.of($0.keyPath) == key }
            guard carrying.allSatisfy({ $0.count == 1 && $0[0].axis == axis }),
                  rows.allSatisfy({ $0.firstIndex { AxisName.of($0.keyPath) == key } == index }), let index else {
                throw OverrideError.declaredInSpec(key: key, by: reason)
            }
            var rest: [[Assignment]] = []
            var seen: Set<[String]> = []
            for row in rows {
                let kept = row.filter { AxisName.of($0.keyPath) != key }
                if seen.insert(kept.map { $0.axis + "=" + $0.value }).inserted { rest.append(kept) }
            }
            let values = Set(carrying.map { $0[0].value })
            guard rest.count * values.count == rows.count else { throw OverrideError.declaredInSpec(key: key, by: reason) }
            rows = rest
            places[key] = (axis, index, places.count)
        }
        return (rows, places)
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
