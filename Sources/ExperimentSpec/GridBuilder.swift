/// The result builder inside `Zip { … }`, `Union { … }` and `Product { … }`.
@resultBuilder
public enum GridBuilder {
    public static func buildExpression(_ component: any GridComponent) -> [any GridComponent] { [component] }
    public static func buildBlock(_ parts: [any GridComponent]...) -> [any GridComponent] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any GridComponent]?) -> [any GridComponent] { part ?? [] }
    public static func buildEither(first part: [any GridComponent]) -> [any GridComponent] { part }
    public static func buildEither(second part: [any GridComponent]) -> [any GridComponent] { part }
    public static func buildArray(_ parts: [[any GridComponent]]) -> [any GridComponent] { parts.flatMap { $0 } }
}
