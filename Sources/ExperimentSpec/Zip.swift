/// Its components' rows side by side: the i-th cell takes the i-th value of each (all must be as long).
public struct Zip: GridComponent {
    /// The zipped components.
    public let components: [any GridComponent]

    /// Zips the body's components.
    public init(@GridBuilder _ body: () -> [any GridComponent]) { components = body() }

    public func rows() throws -> [[Assignment]] {
        let columns = try components.map { try $0.rows() }
        guard let length = columns.first?.count else { return [[]] }
        guard columns.allSatisfy({ $0.count == length }) else {
            throw ExperimentError.zipLengthMismatch(lengths: columns.map(\.count))
        }
        let rows = (0..<length).map { i in columns.flatMap { $0[i] } }
        for row in rows { try row.checkDistinct() }
        return rows
    }
}
