/// The store rows that removing cells' results takes away (or, for a dry run, would).
public struct RemovalSummary: Sendable, Equatable {
    /// Runs, with their metrics, artifacts and inputs.
    public var runs = 0
    public var metrics = 0
    public var artifacts = 0
    public var inputs = 0
    /// Tournament judgments naming a removed cell or run, and ratings of a removed cell.
    public var judgments = 0
    public var ratings = 0
    /// The experiment's rows for the cells (`experiment_cells`).
    public var cells = 0

    /// An empty summary.
    public init() {}

    /// "2 runs, 84 metrics, …" for the counts above zero ("nothing" when all are zero).
    public var description: String {
        let parts = [(runs, "run"), (metrics, "metric"), (artifacts, "artifact"), (inputs, "input"), (judgments, "judgment"),
                     (ratings, "rating"), (cells, "cell row")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
        return parts.isEmpty ? "nothing" : parts.joined(separator: ", ")
    }
}
