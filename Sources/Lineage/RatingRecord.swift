import GRDB

/// A cell's rating in a tournament by one method (e.g. Elo), with its confidence interval.
public struct RatingRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ratings"

    /// The tournament.
    public var tournament: String
    /// The rated cell.
    public var cell: String
    /// How the rating was computed, e.g. `elo-bootstrap`.
    public var method: String
    /// The rating.
    public var rating: Double
    /// Lower bound of the interval.
    public var lower: Double?
    /// Upper bound of the interval.
    public var upper: Double?

    /// A record.
    public init(tournament: String, cell: String, method: String, rating: Double, lower: Double?, upper: Double?) {
        self.tournament = tournament
        self.cell = cell
        self.method = method
        self.rating = rating
        self.lower = lower
        self.upper = upper
    }
}
