/// Why a tournament could not be scheduled, judged or rated.
public enum TournamentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The contestants, prompts or answers do not form a tournament; the text says how.
    case invalidInput(String)
    /// A setting is out of range; the text says which.
    case invalidSetting(String)
    /// The judge could not be made from its spec.
    case judge(JudgeError)
    /// The ratings could not be computed from the battles.
    case rating(RatingError)

    /// A one-line message for the person who supplied the input.
    public var description: String {
        switch self {
        case .invalidInput(let text): text
        case .invalidSetting(let text): text
        case .judge(let error): error.description
        case .rating(let error): error.description
        }
    }
}
