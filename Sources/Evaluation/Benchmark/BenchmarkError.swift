/// Why a benchmark could not be scored.
public enum BenchmarkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A question whose prompt does not fit the model's context even with no shot.
    case questionTooLong(path: String, line: Int, context: Int)
    /// A setting that cannot be honoured.
    case invalidSetting(String)

    public var description: String {
        switch self {
        case .questionTooLong(let path, let line, let context):
            "\(path):\(line): the question's prompt is longer than the model's context of \(context) tokens even without solved examples"
        case .invalidSetting(let reason): "invalid benchmark setting: \(reason)"
        }
    }
}
