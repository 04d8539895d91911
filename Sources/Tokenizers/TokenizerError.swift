/// Why a tokenizer could not be loaded or could not render a chat.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// A field is missing or holds a value of the wrong shape.
    case malformed(file: String, field: String, reason: String)
    /// A field holds a well-formed value this implementation does not support.
    case unsupported(file: String, field: String, value: String, supported: String)
    /// The chat template is not one of the recognised ChatML-style forms, or there is none.
    case chatTemplate(reason: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "cannot read tokenizer file \(file): \(reason)"
        case .malformed(let file, let field, let reason):
            "\(file): field \(field): \(reason)"
        case .unsupported(let file, let field, let value, let supported):
            "\(file): field \(field) is \(value), which is not supported (supported: \(supported))"
        case .chatTemplate(let reason):
            "chat template: \(reason)"
        }
    }
}
