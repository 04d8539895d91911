/// Its components' rows one after the other: separate sub-grids in one experiment.
public struct Union: GridComponent {
    /// The joined components.
    public let components: [any GridComponent]

    /// Joins the body's components.
    public init(@GridBuilder _ body: () -> [any GridComponent]) { components = body() }

    public func rows() throws -> [[Assignment]] {
        try components.flatMap { try $0.rows() }
    }
}
