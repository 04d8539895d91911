/// The result builder behind `Experiment(name) { … }`: collects declarations, with `if` and `for` allowed.
@resultBuilder
public enum ExperimentBuilder {
    /// One declaration.
    public static func buildExpression(_ component: any ExperimentComponent) -> [any ExperimentComponent] { [component] }
    /// A list of declarations shared between experiments, spliced in place.
    /// One declaration.
    public static func buildExpression(_ components: [any ExperimentComponent]) -> [any ExperimentComponent] { components }
    /// The declarations of a block, in order.
    public static func buildBlock(_ parts: [any ExperimentComponent]...) -> [any ExperimentComponent] { parts.flatMap { $0 } }
    /// The body of an `if` without `else`, when it ran.
    public static func buildOptional(_ part: [any ExperimentComponent]?) -> [any ExperimentComponent] { part ?? [] }
    /// The `if` branch.
    public static func buildEither(first part: [any ExperimentComponent]) -> [any ExperimentComponent] { part }
    /// The `else` branch.
    public static func buildEither(second part: [any ExperimentComponent]) -> [any ExperimentComponent] { part }
    /// The bodies of a `for` loop, in order.
    public static func buildArray(_ parts: [[any ExperimentComponent]]) -> [any ExperimentComponent] { parts.flatMap { $0 } }
}
