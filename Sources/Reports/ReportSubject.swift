import ExperimentSpec
import Foundation

/// What the report needs from the spec: the experiment's name, its prose, its axis order and its evaluations.
public struct ReportSubject: Sendable, Equatable {
    /// The experiment's name, as stored.
    public var name: String
    /// The Markdown the author wrote for the report.
    public var prose: ExperimentProse
    /// The axes in the order the spec declares them (axes only the store knows follow, sorted).
    public var axes: [String]
    /// The final metrics the spec's evaluations produce, in the order it declares them.
    public var evaluationMetrics: [String]
    /// The command-line overrides the experiment was last planned with (`--set K=V --axis K=A,B`), if any.
    public var overrides: String?
    /// The configurations of the cells the spec declares now (with `overrides`); nil when the spec is not known.
    /// Cells in the store whose configuration is not among them (planned by an older version of the spec) are
    /// left out of the report.
    public var configurations: [TrainingConfig]?

    /// A subject from its parts.
    public init(name: String, prose: ExperimentProse = ExperimentProse(), axes: [String] = [], evaluationMetrics: [String] = ["eval_loss", "eval_perplexity"],
                overrides: String? = nil, configurations: [TrainingConfig]? = nil) {
        self.name = name
        self.prose = prose
        self.axes = axes
        self.evaluationMetrics = evaluationMetrics
        self.overrides = overrides
        self.configurations = configurations
    }

    /// The subject of a declared experiment, planned with `overrides`.
    public init(_ experiment: Experiment, overrides: Overrides = .none) throws {
        let configurations = try experiment.cells(overrides: overrides).map(\.config)
        var metrics: [String] = []
        // The names the runner records, from each cell's own evaluation (what an override or an Axis set there is
        // what was measured): text perplexity, held-out loss and perplexity, then one accuracy per exact-answer
        // task and per multiple-choice set. Zero-shot perplexity first: it is measured before training.
        for evaluation in configurations.map(\.evaluation) {
            var names = evaluation.perplexity.flatMap { p in p.at.sorted { $0 == .base && $1 != .base }.map(p.metric(at:)) }
            if evaluation.heldOutLoss != nil { names += ["eval_loss", "eval_perplexity"] }
            names += evaluation.exactAnswers.map { "exact_\($0.task.rawValue)" }
            names += evaluation.multipleChoice.map { "choice_" + (($0.dataset as NSString).lastPathComponent as NSString).deletingPathExtension }
            for name in names where !metrics.contains(name) { metrics.append(name) }
        }
        self.init(name: experiment.name, prose: experiment.prose, axes: try experiment.axisNames(overrides: overrides),
                  evaluationMetrics: metrics, overrides: overrides.isEmpty ? nil : overrides.arguments,
                  configurations: configurations)
    }
}
