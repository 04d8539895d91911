/// The dotted name of a setting, taken from its key path (`\TrainingConfig.lora.rank` → `lora.rank`).
enum AxisName {
    static func of(_ keyPath: AnyKeyPath) -> String {
        let text = String(describing: keyPath)
        // Swift 6 runtimes print key paths as `\Root.a.b`; keep the path after the root type's name.
        if text.hasPrefix("\\"), let dot = text.firstIndex(of: ".") {
            return String(text[text.index(after: dot)...])
        }
        return text
    }
}
