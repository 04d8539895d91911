/// The counts a metric rests on: the scored tokens behind a loss or perplexity, the questions behind an
/// accuracy. The runner records them as their own metrics (`eval_tokens`, `exact_arithmetic_asked`, ...).
public enum MetricSupport {
    /// Whether `name` is a count behind another metric rather than a result.
    public static func isCount(_ name: String) -> Bool {
        name == "eval_tokens" || name == "eval_examples" || name.hasSuffix("_asked") || (name.hasPrefix("perplexity_") && name.hasSuffix("_tokens"))
    }

    /// Whether `name` is a fraction of questions answered right.
    public static func isAccuracy(_ name: String) -> Bool {
        !isCount(name) && !isMacroAverage(name) && (name.hasPrefix("exact_") || name.hasPrefix("choice_") || name.hasPrefix("benchmark_"))
    }

    /// Whether `name` is a benchmark's macro average (`benchmark_NAME[_base]_macro`): a mean of its subjects'
    /// accuracies, resting on the same questions as the micro average, and no proportion of them.
    public static func isMacroAverage(_ name: String) -> Bool { name.hasPrefix("benchmark_") && name.hasSuffix("_macro") }

    /// The count metrics behind `name` with their units (tokens, examples, questions); empty when none is known.
    public static func counts(for name: String) -> [(metric: String, unit: String)] {
        if isCount(name) { return [] }
        if name == "eval_loss" || name == "eval_perplexity" { return [("eval_tokens", "scored tokens"), ("eval_examples", "examples")] }
        if isAccuracy(name) { return [(name + "_asked", "questions")] }
        if isMacroAverage(name) { return [(String(name.dropLast("_macro".count)) + "_asked", "questions")] }
        if name.hasPrefix("perplexity_") { return [(name + "_tokens", "scored tokens")] }
        return []
    }
}
