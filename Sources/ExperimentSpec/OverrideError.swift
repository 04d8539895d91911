/// Why a command-line override cannot apply.
public enum OverrideError: Error, Equatable, CustomStringConvertible {
    /// Text that is not `KEY=VALUE`.
    case syntax(option: String, text: String)
    /// `KEY=` with nothing after it, or an empty alternative of an axis.
    case emptyValue(option: String, text: String, key: String)
    /// A key that names no setting; `valid` lists those that can be overridden.
    case unknownKey(key: String, valid: [String])
    /// A value that does not read as the setting's type.
    case wrongType(key: String, value: String, expected: String)
    /// A key overridden twice, or fixed and varied.
    case repeatedKey(String)
    /// A key the experiment varies or derives: the override would be lost or would replace part of the grid.
    case declaredInSpec(key: String, by: String)

    public var description: String {
        switch self {
        case .syntax(let option, let text): "\(option) \(text): expected KEY=VALUE"
        case .emptyValue(let option, let text, let key): "\(option) \(text): no value for \(key)"
        case .unknownKey(let key, let valid): "no setting \(key); the settings are: \(valid.joined(separator: ", "))"
        case .wrongType(let key, let value, let expected): "\(key)=\(value): \(key) expects \(expected)"
        case .repeatedKey(let key): "\(key) is overridden more than once"
        case .declaredInSpec(let key, let by):
            "\(key) is written by the experiment's \(by); override another setting or declare the change in the spec"
        }
    }
}
