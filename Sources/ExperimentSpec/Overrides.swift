/// Settings changed from the command line: `--set KEY=VALUE` fixes one, `--axis KEY=V1,V2` varies one.
///
/// Keys are the dotted JSON paths of `TrainingConfig` (`optimizer.learningRate`, `lora.rank`). The text is kept
/// as typed, so it can be recorded and shown; `Experiment.cells(overrides:)` checks it against the settings.
public struct Overrides: Sendable, Equatable, Hashable, Codable {
    /// `KEY=VALUE` texts of `--set`, in the order given.
    public var fixed: [String]
    /// `KEY=V1,V2,…` texts of `--axis`, in the order given (the last varies fastest).
    public var axes: [String]

    /// No overrides: the experiment as declared.
    public static let none = Overrides()

    /// Overrides from `--set` and `--axis` texts; throws on text that is not `KEY=VALUE`.
    public init(fixed: [String] = [], axes: [String] = []) throws(OverrideError) {
        for text in fixed { _ = try Self.split(text, option: "--set") }
        for text in axes {
            let (key, value) = try Self.split(text, option: "--axis")
            if SettingValue.alternatives(value).contains(where: \.isEmpty) { throw .emptyValue(option: "--axis", text: text, key: key) }
        }
        self.fixed = fixed
        self.axes = axes
    }

    private init() {
        fixed = []
        axes = []
    }

    /// Decodes and checks recorded overrides as the command line's are checked.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(fixed: try container.decode([String].self, forKey: .fixed), axes: try container.decode([String].self, forKey: .axes))
    }

    /// Whether nothing is overridden.
    public var isEmpty: Bool { fixed.isEmpty && axes.isEmpty }

    /// The overrides as command-line arguments: `--set K=V --axis K=A,B`.
    public var arguments: String {
        (fixed.map { "--set " + $0 } + axes.map { "--axis " + $0 }).joined(separator: " ")
    }

    /// The `--set` settings, split into key and value text (every text was checked by `init`).
    var fixedSettings: [(key: String, value: String)] {
        fixed.compactMap { try? Self.split($0, option: "--set") }
    }

    /// The `--axis` settings, split into key and value texts.
    var variedSettings: [(key: String, values: [String])] {
        axes.compactMap { text in
            (try? Self.split(text, option: "--axis")).map { ($0.key, SettingValue.alternatives($0.value)) }
        }
    }

    /// The overrides with short keys written in full: a key that names no setting of `keys` but is the last part
    /// of exactly one (`rank` for `lora.rank`, as charts label axes) becomes that setting's; any other key is kept
    /// as typed, for the checks to name.
    func expandingShortKeys(among keys: Set<String>) -> Overrides {
        func full(_ key: String) -> String {
            guard !keys.contains(key) else { return key }
            let matches = keys.filter { $0.hasSuffix("." + key) }
            return matches.count == 1 ? matches.first! : key
        }
        var copy = self
        copy.fixed = fixedSettings.map { full($0.key) + "=" + $0.value }
        copy.axes = axes.compactMap { text in (try? Self.split(text, option: "--axis")).map { full($0.key) + "=" + $0.value } }
        return copy
    }

    private static func split(_ text: String, option: String) throws(OverrideError) -> (key: String, value: String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { throw .syntax(option: option, text: text) }
        let key = String(text[..<equals]), value = String(text[text.index(after: equals)...])
        guard !value.isEmpty else { throw .emptyValue(option: option, text: text, key: key) }
        return (key, value)
    }
}
