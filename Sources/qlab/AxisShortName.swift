import ArgumentParser

/// Axis names as charts show them: `rank` for `lora.rank`. Where a command takes an axis (`--only`, `--color-by`),
/// a short name stands for the one axis whose last part it is; an ambiguous one lists the axes it could mean.
enum AxisShortName {
    /// The axis `name` means among `axes`: itself when it is one (or matches none, so that the caller's own error
    /// names it), else the single axis ending in `.name`; `option` names the flag in the error for an ambiguous name.
    static func resolve(_ name: String, among axes: [String], option: String) throws -> String {
        guard !axes.contains(name) else { return name }
        let matches = axes.filter { $0.hasSuffix("." + name) }
        if matches.count > 1 {
            throw ValidationError("\(option) \(name) is ambiguous: it could be \(matches.joined(separator: " or ")); give the full name")
        }
        return matches.first ?? name
    }

    /// `--only` filters with their short axis names made full.
    static func resolve(_ filters: [(axis: String, value: String)], among axes: [String]) throws -> [(axis: String, value: String)] {
        try filters.map { (try resolve($0.axis, among: axes, option: "--only"), $0.value) }
    }
}
