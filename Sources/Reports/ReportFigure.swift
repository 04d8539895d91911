/// A chart and the sentence under it in the report.
public struct ReportFigure: Sendable, Equatable {
    /// The chart.
    public var chart: Chart
    /// What to read in it.
    public var caption: String

    /// A figure.
    public init(chart: Chart, caption: String) {
        self.chart = chart
        self.caption = caption
    }
}
