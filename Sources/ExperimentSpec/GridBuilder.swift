/// The result builder inside `Zip { … }`, `Union { … }` and `Product { … }`.
@resultBuilder
public enum GridBuilder {
    /// One declaration.
    public static func buildExpression(_ component: any GridComponent) -> [any GridComponent] { [component] }
    /// The declarations of a block, in order.
    public static func buildBlock(_ parts: [any GridComponent]...) -> [any GridComponent] { parts.flatMap { $0 } }
    /// The body of an `if` without `else`, when it ran.
    public static func buildOptional(_ part: [any GridComponent]?) -> [any GridComponent] { part ?? [] }
    /// The `if` branch.
    public static func buildEither(first part: [any GridComponent]) -> [any GridComponent] { part }
    /// The `else` branch.
    public static func buildEither(second part: [any GridComponent]) -> [any GridComponent] { part }
    /// The bodies of a `for` loop, in order.
    public static func buildArray(_ parts: [[any GridComponent]]) -> [any GridComponent] { parts.flatMap { $0 } }
}
