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

    var chart: Chart {
        let file = name + ".tsv"
        var data = "# \(GnuplotText.comment(title))\n# one block per series (gnuplot `index N`); columns: x position, mean, lower and upper end of the 95% interval, values, category\n"
        var plots: [String] = []
        let spread = series.count > 1 ? min(0.3, 0.6 / Double(series.count)) : 0
        for (i, s) in series.enumerated() {
            data += (i == 0 ? "" : "\n\n") + "# \(GnuplotText.comment(s.title))\nx\tmean\tlower\tupper\tn\tcategory\n"
            for (k, summary) in s.summaries.enumerated() {
                guard let summary, !summary.mean.isNaN else { continue }
                data += "\(k)\t\(GnuplotText.number(summary.mean))\t\(GnuplotText.number(summary.lower))\t\(GnuplotText.number(summary.upper))\t\(summary.values.count)\t\(GnuplotText.field(categories[k]))\n"
            }
            let offset = spread * (Double(i) - Double(series.count - 1) / 2)
            let color = GnuplotText.palette[i % GnuplotText.palette.count]
            plots.append("\(GnuplotText.quoted(file)) index \(i) skip 1 using ($1\(offset == 0 ? "" : String(format: "%+.3f", offset))):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '\(color)' title \(GnuplotText.quoted(s.title))")
        }
        // The key sits under the plot in two columns; gnuplot does not reserve room for it above the x label.
        let keyRows = (series.count + 1) / 2
        // Labels that would run into each other side by side (about 8 px a character at this font, in the
        // ~840 px the plot area has of 960) are turned upright, where they can neither overlap nor run off the
        // left edge as slanted ones do, and the bottom margin grows by their length (a character is about half as
        // wide as a line is high).
        let widest = categories.map(\.count).max() ?? 0
        let upright = categories.count * (widest + 2) * 8 > 840
        let tics = "set xtics \(GnuplotText.tics(categories)) nomirror" + (upright ? " rotate by 90 right" : "")
        let labelRows = upright ? (widest + 1) / 2 : 0
        let body = """
            set title \(GnuplotText.title(title))
            set xlabel \(GnuplotText.quoted(xLabel))
            set ylabel \(GnuplotText.quoted(yLabel))
            set xrange [-0.5:\(Double(categories.count) - 0.5)]
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
