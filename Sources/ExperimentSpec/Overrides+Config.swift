extension Overrides {
    /// `config` with the `--set` settings written in, each checked as a grid's are (an unknown key names the
    /// nearest, a value must have the setting's type). For a single run: there is no spec whose axes could own a key.
    public func applyingFixed(to config: TrainingConfig) throws -> TrainingConfig {
        let overrides = try Overrides(fixed: fixed).expandingShortKeys(among: Set(try ResolvedOverrides.settings(of: config).keys))
        let resolved = try ResolvedOverrides(overrides, base: config, declared: [])
        return try ResolvedOverrides.apply(resolved.fixed, to: config)
    }
}
