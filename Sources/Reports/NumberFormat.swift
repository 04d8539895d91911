import Foundation

/// How numbers read in the Markdown: four significant digits, integers whole.
public enum NumberFormat {
    /// `2.526`, `0.0002`, `40`, `4884480`, `NaN`.
    public static func short(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.4g", value)
    }

    /// `2.526 ± 0.031` (the mean alone when there is no interval).
    public static func interval(_ summary: SampleSummary) -> String {
        guard let h = summary.halfWidth else { return short(summary.mean) }
        return "\(short(summary.mean)) ± \(short(h))"
    }

    /// A p-value: `0.032`, `< 0.001`.
    public static func pValue(_ p: Double) -> String {
        p < 0.001 ? "< 0.001" : String(format: "%.3f", p)
    }
}
