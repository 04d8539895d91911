/// Overrides checked against an experiment's base configuration: every key exists, every value has its type.
struct ResolvedOverrides {
    struct Value {
        let key: String
        let text: String
        let value: CanonicalJSON.Value
    }

    /// The `--set` values, applied to the base configuration.
    let fixed: [Value]
    /// One row per combination of the `--axis` values, the last axis varying fastest (one empty row without axes).
    let rows: [[Value]]

    /// Checks `overrides` against `base`; `declared` maps the settings the spec varies or derives to who does it.
    /// Every setting an override can name, with the value that gives its type.
    static func settings(of base: TrainingConfig) throws -> [String: CanonicalJSON.Value] {
        SettingValue.leaves(of: try JSONTreeEncoder().encode(base))
            .merging(TrainingConfig.settingsWrittenWhenChanged) { written, _ in written }
    }

    init(_ overrides: Overrides, base: TrainingConfig, declared: [(path: String, by: String)]) throws {
        let leaves = try Self.settings(of: base)
        let keys = overrides.fixedSettings.map(\.key) + overrides.variedSettings.map(\.key)
        var seen: Set<String> = []
        for key in keys {
            guard leaves[key] != nil else { throw OverrideError.unknownKey(key: key, valid: leaves.keys.sorted()) }
            guard seen.insert(key).inserted else { throw OverrideError.repeatedKey(key) }
            if let owner = declared.first(where: { key == $0.path || key.hasPrefix($0.path + ".") || $0.path.hasPrefix(key + ".") }) {
                throw OverrideError.declaredInSpec(key: key, by: owner.by)
            }
        }
        var checked = base
        fixed = try overrides.fixedSettings.map { key, text in
            let value = try SettingValue.parse(text, key: key, like: leaves[key]!)
            checked = try SettingValue.write(value, at: key, text: text, into: checked)
            return Value(key: key, text: text, value: value)
        }
        var rows: [[Value]] = [[]]
        for (key, texts) in overrides.variedSettings {
            let values = try texts.map { text in
                let value = try SettingValue.parse(text, key: key, like: leaves[key]!)
                // Decoding each value once here names the bad one before any cell is built.
                _ = try SettingValue.write(value, at: key, text: text, into: base)
                return Value(key: key, text: text, value: value)
            }
            rows = rows.flatMap { row in values.map { row + [$0] } }
        }
        self.rows = rows
    }

    /// `config` with `values` written in.
    static func apply(_ values: [Value], to config: TrainingConfig) throws -> TrainingConfig {
        var config = config
        for v in values { config = try SettingValue.write(v.value, at: v.key, text: v.text, into: config) }
        return config
    }
}
