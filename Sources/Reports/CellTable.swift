/// Every cell with its axis values and final metrics, keeping only columns whose values differ between cells;
/// the best value of each metric with a known direction is bold.
public struct CellTable: Sendable {
    /// The table.
    public let table: MarkdownTable
    /// Columns left out because every cell has the same value: name and that value.
    public let constants: [(name: String, value: String)]

    /// The table of `results`' cells, metrics in report order.
    public init(_ results: ExperimentResults) {
        let cells = results.cells
        // Counts behind metrics (tokens scored, questions asked) and seconds per part have their own sections.
        let metrics = MetricOrder.sorted(results.metricNames, evaluations: results.subject.evaluationMetrics)
            .filter { !MetricSupport.isCount($0) && !MetricOrder.isSeconds($0) }
        var header = ["cell"]
        var columns: [[String]] = []
        var numeric: Set<Int> = []
        var constants: [(String, String)] = []

        let statuses = cells.map(\.status.rawValue)
        if Set(statuses).count > 1 { header.append("status"); columns.append(statuses) } else { constants.append(("status", statuses.first ?? "")) }
        for axis in results.axes {
            let values = cells.map { $0.axisValues[axis] ?? "–" }
            if Set(values).count > 1 { header.append(axis); columns.append(values) } else { constants.append((axis, values.first ?? "")) }
        }
        for name in metrics {
            let values = cells.map { $0.metrics[name] }
            let distinct = Set(values.map { $0.map(GnuplotText.number) ?? "missing" })
            if distinct.count <= 1 {
                constants.append((name, values.first.flatMap { $0 }.map(NumberFormat.short) ?? "–"))
                continue
            }
            let direction = MetricDirection(metric: name)
            let present = values.compactMap { $0 }.filter { !$0.isNaN }
            let best = direction.flatMap { d in present.reduce(nil as Double?) { b, v in b.map { d.isBetter(v, than: $0) ? v : $0 } ?? v } }
            numeric.insert(header.count)
            header.append(name)
            columns.append(values.map { v in
                guard let v else { return "–" }
                let text = NumberFormat.short(v)
                return v == best ? "**\(text)**" : text
            })
        }
        let rows = cells.indices.map { i in [String(cells[i].cell.prefix(12))] + columns.map { $0[i] } }
        table = MarkdownTable(header: header, rows: rows, rightAligned: numeric)
        self.constants = constants
    }
}
