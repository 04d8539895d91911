import Foundation

/// Means with 95% intervals at categorical x positions, one line per series, offset so the bars do not overlap.
struct IntervalChart {
    /// One series: a summary per category (nil where the series has no value there).
    struct Series {
        var title: String
        var summaries: [SampleSummary?]
    }

    var name: String
    var title: String
    var xLabel: String
    var yLabel: String
    var categories: [String]
    var series: [Series]
    /// Categories that are positive numbers spanning a factor of 8 or more (learning rates, ranks) stand at their
    /// values on a logarithmic axis, not evenly spaced: 1e-4, 2e-4, 5e-4, 1e-3 are not equally far apart.
    var logScale: Bool { Self.logPositions(categories) != nil }

    /// The categories as numbers when they call for a logarithmic axis (see `logScale`), or nil.
    static func logPositions(_ categories: [String]) -> [Double]? {
        let values = categories.compactMap(Double.init)
        guard categories.count >= 3, values.count == categories.count, values.allSatisfy({ $0 > 0 && $0.isFinite }),
              let low = values.min(), let high = values.max(), high / low >= 8 else { return nil }
        return values
    }

    var chart: Chart {
        let file = name + ".tsv"
        var data = "# \(GnuplotText.comment(title))\n# one block per series (gnuplot `index N`); columns: x position, mean, lower and upper end of the 95% interval, values, category\n"
        var plots: [String] = []
        let positions = Self.logPositions(categories)
        let spread = series.count > 1 ? min(0.3, 0.6 / Double(series.count)) : 0
        for (i, s) in series.enumerated() {
            data += (i == 0 ? "" : "\n\n") + "# \(GnuplotText.comment(s.title))\nx\tmean\tlower\tupper\tn\tcategory\n"
            for (k, summary) in s.summaries.enumerated() {
                guard let summary, !summary.mean.isNaN else { continue }
                data += "\(positions.map { GnuplotText.number($0[k]) } ?? "\(k)")\t\(GnuplotText.number(summary.mean))\t\(GnuplotText.number(summary.lower))\t\(GnuplotText.number(summary.upper))\t\(summary.values.count)\t\(GnuplotText.field(categories[k]))\n"
            }
            let offset = spread * (Double(i) - Double(series.count - 1) / 2)
            let color = GnuplotText.palette[i % GnuplotText.palette.count]
            // On a log axis the offset is a factor (a tenth of a category's width is about 4% of the value there).
            let x = offset == 0 ? "1" : positions != nil ? "($1*\(String(format: "%.4f", pow(10, offset * 0.12))))" : "($1\(String(format: "%+.3f", offset)))"
            plots.append("\(GnuplotText.quoted(file)) index \(i) skip 1 using \(x):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '\(color)' title \(GnuplotText.quoted(s.title))")
        }
        // The key sits under the plot in two columns; gnuplot does not reserve room for it above the x label.
        let keyRows = (series.count + 1) / 2
        // Labels that would run into each other side by side (about 8 px a character at this font, in the
        // ~840 px the plot area has of 960) are turned upright, where they can neither overlap nor run off the
        // left edge as slanted ones do, and the bottom margin grows by their length (a character is about half as
        // wide as a line is high).
        let widest = categories.map(\.count).max() ?? 0
        let upright = categories.count * (widest + 2) * 8 > 840
        let tics: String
        let range: String
        if let positions, let low = positions.min(), let high = positions.max() {
            let marks = zip(categories, positions).map { "\(GnuplotText.quoted($0)) \(GnuplotText.number($1))" }.joined(separator: ", ")
            tics = "set logscale x 10\nset xtics (\(marks)) nomirror" + (upright ? " rotate by 90 right" : "")
            range = "set xrange [\(GnuplotText.number(low / 1.4)):\(GnuplotText.number(high * 1.4))]"
        } else {
            tics = "set xtics \(GnuplotText.tics(categories)) nomirror" + (upright ? " rotate by 90 right" : "")
            range = "set xrange [-0.5:\(Double(categories.count) - 0.5)]"
        }
        let labelRows = upright ? (widest + 1) / 2 : 0
        let body = """
            set title \(GnuplotText.title(title))
            set xlabel \(GnuplotText.quoted(xLabel + (positions != nil ? " (log scale)" : "")))
            set ylabel \(GnuplotText.quoted(yLabel))
            \(range)
            \(tics)
            set ytics nomirror
            set grid ytics lc rgb '#dddddd'
            set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
            set bmargin \(6 + keyRows + labelRows)
            set border 3
            set offsets 0, 0, graph 0.08, graph 0.08
            plot \(plots.joined(separator: ", \\\n     "))
            """
        return Chart(name: name, title: title, body: body, dataFiles: [(file, data)], height: 560 + 22 * (keyRows + labelRows))
    }
}
