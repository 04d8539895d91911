/// One metric of one run over its optimizer steps, in step order.
public struct MetricSeries: Sendable, Equatable {
    /// The metric's name.
    public var name: String
    /// The steps, ascending.
    public var steps: [Int]
    /// The values, one per step (NaN where the run logged NaN).
    public var values: [Double]

    /// A series.
    public init(name: String, steps: [Int], values: [Double]) {
        self.name = name
        self.steps = steps
        self.values = values
    }
}
