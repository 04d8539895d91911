/// Why a run read an input file.
public enum InputRole: String, Codable, Sendable, CaseIterable {
    case baseModel = "base-model"
    case dataset
    case initAdapter = "init-adapter"
}
