/// One scheduled judgment: a prompt and two contestants in the order their answers are shown.
public struct TournamentMatch: Sendable, Hashable, Codable {
    /// Which of a pair's two presentations this is.
    public enum Order: String, Sendable, Hashable, Codable {
        /// The pair in schedule order: the contestant that sorts first is shown first.
        case forward
        /// The same pair swapped, so that a judge's preference for a position cancels out.
        case reverse
    }

    /// The prompt's identifier.
    public var promptID: String
    /// The contestant shown first.
    public var contestantA: String
    /// The contestant shown second.
    public var contestantB: String
    /// Forward or reverse presentation of the pair.
    public var order: Order

    /// `contestantA`'s answer shown before `contestantB`'s on prompt `promptID`.
    public init(promptID: String, contestantA: String, contestantB: String, order: Order) {
        self.promptID = promptID
        self.contestantA = contestantA
        self.contestantB = contestantB
        self.order = order
    }
}
