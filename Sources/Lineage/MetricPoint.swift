/// One metric value of a run: a per-step value, or a final one when `step` is nil.
public struct MetricPoint: Sendable, Equatable {
    /// The optimizer step, or nil for a final metric.
    public var step: Int?
    /// The metric's name, e.g. `loss`, `lr`, `grad_norm`, `tokens_per_second`, `eval_loss`.
    public var name: String
    /// The value; NaN is kept (a diverged loss is a result).
    public var value: Double

    /// A point.
    public init(step: Int?, name: String, value: Double) {
        self.step = step
        self.name = name
        self.value = value
    }
}
