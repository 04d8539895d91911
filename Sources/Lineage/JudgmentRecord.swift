import Foundation
import GRDB

/// One judge's verdict on one prompt for one pair of cells in a tournament.
public struct JudgmentRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "judgments"

    /// The tournament this judgment belongs to.
    public var tournament: String
    /// The prompt's id in the tournament's prompt set.
    public var prompt: String
    /// Cell A of the pair.
    public var cellA: String
    /// The run whose answer stood for cell A, if known.
    public var runA: String?
    /// Cell B of the pair.
    public var cellB: String
    /// The run whose answer stood for cell B, if known.
    public var runB: String?
    /// Which answer the judge saw first.
    public var presentationOrder: PresentationOrder
    /// The verdict in terms of A and B.
    public var winner: JudgmentWinner
    /// The judge, e.g. `reference` or a model name.
    public var judge: String
    /// What the judge said, kept to re-parse verdicts later.
    public var rawOutput: String
    /// When the judgment was made.
    public var created: Date

    /// A record; `created` defaults to now.
    public init(
        tournament: String, prompt: String, cellA: String, runA: String? = nil, cellB: String, runB: String? = nil,
        presentationOrder: PresentationOrder, winner: JudgmentWinner, judge: String, rawOutput: String,
        created: Date = Date()
    ) {
        self.tournament = tournament
        self.prompt = prompt
        self.cellA = cellA
        self.runA = runA
        self.cellB = cellB
        self.runB = runB
        self.presentationOrder = presentationOrder
        self.winner = winner
        self.judge = judge
        self.rawOutput = rawOutput
        self.created = created
    }

    enum CodingKeys: String, CodingKey {
        case tournament, prompt, cellA = "cell_a", runA = "run_a", cellB = "cell_b", runB = "run_b"
        case presentationOrder = "presentation_order", winner, judge, rawOutput = "raw_output", created
    }
}
