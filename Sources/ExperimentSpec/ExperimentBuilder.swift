/// The result builder behind `Experiment(name) { … }`: collects declarations, with `if` and `for` allowed.
@resultBuilder
public enum ExperimentBuilder {
    public static func buildExpression(_ component: any ExperimentComponent) -> [any ExperimentComponent] { [component] }
    /// A list of declarations shared between experiments, spliced in place.
    public static func buildExpression(_ components: [any ExperimentComponent]) -> [any ExperimentComponent] { components }
    public static func buildBlock(_ parts: [any ExperimentComponent]...) -> [any ExperimentComponent] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any ExperimentComponent]?) -> [any ExperimentComponent] { part ?? [] }
    public static func buildEither(first part: [any ExperimentComponent]) -> [any ExperimentComponent] { part }
    public static func buildEither(second part: [any ExperimentComponent]) -> [any ExperimentComponent] { part }
    public static func buildArray(_ parts: [[any ExperimentComponent]]) -> [any ExperimentComponent] { parts.flatMap { $0 } }
}
