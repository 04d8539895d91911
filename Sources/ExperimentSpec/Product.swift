/// Every combination of its components' rows, the first component varying slowest (as nested loops read).
///
/// An experiment's top-level axes form a product already; write `Product` inside `Zip` or `Union`.
public struct Product: GridComponent {
    /// The combined components.
    public let components: [any GridComponent]

    /// The product of the body's components.
    public init(@GridBuilder _ body: () -> [any GridComponent]) { components = body() }

    /// The product of `components`.
    public init(_ components: [any GridComponent]) { self.components = components }

    public func rows() throws -> [[Assignment]] {
        var result: [[Assignment]] = [[]]
        for component in components {
            let rows = try component.rows()
            result = result.flatMap { prefix in rows.map { prefix + $0 } }
        }
        for row in result { try row.checkDistinct() }
        return result
    }
}
