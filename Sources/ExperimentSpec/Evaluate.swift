/// Something `Evaluate { … }` can hold: a held-out loss, an exact-answer task, a tournament.
public protocol EvaluationComponent: Sendable {
    /// Records the evaluation in `settings`.
    func add(to settings: inout EvaluationSettings)
}

/// The evaluation of every cell: `Evaluate { HeldOutLoss(); ExactAnswers(.arithmetic) }`.
///
/// It replaces the default (held-out loss only): what the body does not list is not run.
public struct Evaluate: ExperimentComponent {
    /// The resolved settings.
    public let settings: EvaluationSettings

    /// The evaluations of the body.
    public init(@EvaluationBuilder _ body: () -> [any EvaluationComponent]) {
        var settings = EvaluationSettings(heldOutLoss: nil)
        for component in body() { component.add(to: &settings) }
        self.settings = settings
    }

    public func contribute(to parts: inout ExperimentParts) {
        parts.evaluation = settings
        let settings = self.settings
        parts.settings.append(FixedSetting(label: "Evaluate", keyPath: \TrainingConfig.evaluation) { config, _ in
            config.evaluation = settings
        })
    }

    /// The result builder of `Evaluate { … }`.
    @resultBuilder
    public enum EvaluationBuilder {
        /// One evaluation.
        public static func buildExpression(_ c: any EvaluationComponent) -> [any EvaluationComponent] { [c] }
        /// The declarations of a block, in order.
        public static func buildBlock(_ parts: [any EvaluationComponent]...) -> [any EvaluationComponent] { parts.flatMap { $0 } }
        /// The body of an `if` without `else`, when it ran.
        public static func buildOptional(_ part: [any EvaluationComponent]?) -> [any EvaluationComponent] { part ?? [] }
        /// The `if` branch.
        public static func buildEither(first part: [any EvaluationComponent]) -> [any EvaluationComponent] { part }
        /// The `else` branch.
        public static func buildEither(second part: [any EvaluationComponent]) -> [any EvaluationComponent] { part }
        /// The bodies of a `for` loop, in order.
        public static func buildArray(_ parts: [[any EvaluationComponent]]) -> [any EvaluationComponent] { parts.flatMap { $0 } }
    }
}
