/// How a report is drawn: which axis colours the curves, which metric ranks the cells, and so on.
public struct ReportOptions: Sendable, Equatable {
    /// The axis whose values colour the loss curves (nil: the first axis that is not the seed).
    public var colorAxis: String?
    /// Exponential-moving-average span of the training loss curves in steps (0 or 1: no smoothing).
    public var smoothing: Int
    /// The final metric that ranks cells and fills the heat map (nil: `eval_loss` when recorded).
    public var metric: String?
    /// More curves than this on one chart are split into one chart per value of another axis.
    public var maxCurvesPerChart: Int
    /// How many configurations the top table lists.
    public var topCount: Int
    /// Tournament ids whose ratings to chart (empty: the one named after the experiment, if any).
    public var tournaments: [String]
    /// The `--runs` folder written into the rerun commands (nil: the default `runs`).
    public var runsFolder: String?
    /// The gnuplot program: a path, or a name looked up on the PATH.
    public var gnuplot: String

    /// The defaults: colour by the first axis, no smoothing, rank by held-out loss, 8 curves a chart, top 10.
    public init(colorAxis: String? = nil, smoothing: Int = 0, metric: String? = nil, maxCurvesPerChart: Int = 8,
                topCount: Int = 10, tournaments: [String] = [], runsFolder: String? = nil, gnuplot: String = "gnuplot") {
        self.colorAxis = colorAxis
        self.smoothing = smoothing
        self.metric = metric
        self.maxCurvesPerChart = maxCurvesPerChart
        self.topCount = topCount
        self.tournaments = tournaments
        self.runsFolder = runsFolder
        self.gnuplot = gnuplot
    }
}
