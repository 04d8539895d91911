/// Training data by name (resolved by the data code) or JSONL path; several declarations mix in order.
public struct Dataset: ExperimentComponent, Equatable, Hashable {
    /// The names, as they go into `DataSettings.datasets`.
    public let names: [String]

    /// Datasets by name or path.
    public init(_ names: String...) { self.names = names }

    /// Datasets by name or path.
    public init(_ names: [String]) { self.names = names }

    /// The generated tasks with one checkable answer each (arithmetic, copying, ordering), as the data code
    /// prepares them, in the given languages.
    public static func tasks(_ languages: Language...) -> Dataset {
        Dataset(languages.map { "tasks-\($0.rawValue)" })
    }

    /// The ChatterBot conversation corpus in the given languages.
    public static func chatterbot(_ languages: Language...) -> Dataset {
        Dataset(languages.map { "chatterbot-\($0.rawValue)" })
    }

    /// A JSONL file.
    public static func file(_ path: String) -> Dataset { Dataset(path) }

    /// Languages the prepared corpora come in, by ISO 639-1 code.
    public enum Language: String, Sendable, CaseIterable {
        case english = "en", chinese = "zh"
    }

    public func contribute(to parts: inout ExperimentParts) {
        parts.datasets += names
        let names = self.names
        parts.settings.append(FixedSetting(label: "Dataset(\(names.joined(separator: ", ")))") { config, _ in
            config.data.datasets += names
        })
    }
}
