import Support

extension StepLine {
    /// The step as store metrics: the fixed numbers, `tokens_per_second`, and the extras.
    public var metricPoints: [MetricPoint] {
        var points = [
            MetricPoint(step: step, name: "loss", value: loss),
            MetricPoint(step: step, name: "grad_norm", value: gradNorm),
            MetricPoint(step: step, name: "lr", value: lr),
            MetricPoint(step: step, name: "tokens", value: Double(tokens)),
            MetricPoint(step: step, name: "seconds", value: seconds),
        ]
        if seconds > 0 {
            points.append(MetricPoint(step: step, name: "tokens_per_second", value: Double(tokens) / seconds))
        }
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) where !Self.fixedKeys.contains(name) {
            points.append(MetricPoint(step: step, name: name, value: value))
        }
        return points
    }
}
