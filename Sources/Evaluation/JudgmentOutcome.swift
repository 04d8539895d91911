/// What a judge decided about one presentation of two answers.
public enum JudgmentOutcome: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The answer shown first is better.
    case a
    /// The answer shown second is better.
    case b
    /// Neither is better.
    case tie
    /// The judge gave no usable verdict; the reason says why. Never counted as a tie.
    case failed(reason: String)

    /// "a", "b", "tie" or "failed", as stored.
    public var label: String {
        switch self {
        case .a: "a"
        case .b: "b"
        case .tie: "tie"
        case .failed: "failed"
        }
    }

    /// Why the judgment failed, or nil when it did not.
    public var failureReason: String? {
        if case .failed(let reason) = self { reason } else { nil }
    }

    /// The battle outcome for the rating code, or nil for a failed judgment (which rates nothing).
    public var winner: Battle.Winner? {
        switch self {
        case .a: .modelA
        case .b: .modelB
        case .tie: .tie
        case .failed: nil
        }
    }

    /// The label, with the reason of a failure.
    public var description: String {
        if case .failed(let reason) = self { "failed: \(reason)" } else { label }
    }

    private enum CodingKeys: String, CodingKey { case result, reason }

    /// Reads `{"result": "a"|"b"|"tie"|"failed", "reason": …}`.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let result = try container.decode(String.self, forKey: .result)
        switch result {
        case "a": self = .a
        case "b": self = .b
        case "tie": self = .tie
        case "failed": self = .failed(reason: try container.decode(String.self, forKey: .reason))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .result, in: container, debugDescription: "\"\(result)\" is not a, b, tie or failed")
        }
    }

    /// Writes `{"result": label}`, with `"reason"` for a failure.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(label, forKey: .result)
        if let reason = failureReason { try container.encode(reason, forKey: .reason) }
    }
}
