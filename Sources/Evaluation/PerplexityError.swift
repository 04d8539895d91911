/// Why a text or dataset could not be scored; every case names the file, dataset or setting at fault.
public enum PerplexityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A text file that does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// A text file with nothing in it.
    case emptyText(path: String)
    /// Text that tokenizes to fewer than two tokens, so no token has one before it to predict it.
    case tooFewTokens(paths: [String], tokens: Int)
    /// A window the model cannot read in one pass.
    case windowTooLong(window: Int, context: Int, model: String)
    /// A window or token limit below 1.
    case invalidSetting(String)
    /// A dataset whose evaluation split holds no example with a scored token.
    case noEvalExamples(dataset: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read the text: \(reason)"
        case .emptyText(let path): "\(path): the file is empty, so there is no text to score"
        case .tooFewTokens(let paths, let tokens):
            "\(paths.joined(separator: ", ")): \(tokens) token(s) after tokenizing; scoring needs at least 2"
        case .windowTooLong(let window, let context, let model):
            "window \(window) is longer than the context of \(model) (max_position_embeddings \(context)); use --window \(context) or less"
        case .invalidSetting(let reason): reason
        case .noEvalExamples(let dataset):
            "dataset \(dataset): its evaluation split has no example with a scored (answer) token; give it an eval file or a larger eval size"
        }
    }
}
