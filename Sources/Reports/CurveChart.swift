/// Curves over optimizer steps (training or evaluation loss), one per cell, written as indexed data blocks.
struct CurveChart {
    /// One curve.
    struct Curve {
        var title: String
        var comment: String
        var color: String
        var dash: Int
        var steps: [Int]
        var values: [Double]
    }

    var name: String
    var title: String
    var yLabel: String
    var curves: [Curve]
    /// EMA span; above 1 the smoothed column is drawn over a faint raw line.
    var smoothing: Int = 0
    var points: Bool = false

    /// The exponential moving average with span `span` (weight 2/(span+1)); NaN keeps the previous value.
    static func smooth(_ values: [Double], span: Int) -> [Double] {
        guard span > 1 else { return values }
        let alpha = 2 / (Double(span) + 1)
        var out: [Double] = []
        var current = Double.nan
        for v in values {
            if !v.isNaN { current = current.isNaN ? v : alpha * v + (1 - alpha) * current }
            out.append(current)
        }
        return out
    }

    var chart: Chart {
        let file = name + ".tsv"
        var data = "# \(GnuplotText.comment(title))\n# one block per curve (gnuplot `index N`); columns: step, value, smoothed value"
        data += smoothing > 1 ? " (exponential moving average, span \(smoothing) steps)\n" : " (= value: no smoothing)\n"
        var plots: [String] = []
        for (i, curve) in curves.enumerated() {
            data += (i == 0 ? "" : "\n\n") + "# \(GnuplotText.comment(curve.comment))\nstep\tvalue\tsmoothed\n"
            let smoothed = Self.smooth(curve.values, span: smoothing)
            for (k, step) in curve.steps.enumerated() {
                data += "\(step)\t\(GnuplotText.number(curve.values[k]))\t\(GnuplotText.number(smoothed[k]))\n"
            }
            let source = "\(GnuplotText.quoted(file)) index \(i) skip 1"
            if smoothing > 1 {
                // The raw line stays visible but faint (alpha 0xB0 of 0xFF transparent), so noise is not hidden.
                let faint = "#B0" + curve.color.dropFirst()
                plots.append("\(source) using 1:2 with lines lw 1 lc rgb '\(faint)' dt \(curve.dash) notitle")
                plots.append("\(source) using 1:3 with lines lw 2.5 lc rgb '\(curve.color)' dt \(curve.dash) title \(GnuplotText.quoted(curve.title))")
            } else {
                let style = points ? "linespoints pt 7 ps 0.8" : "lines"
                plots.append("\(source) using 1:2 with \(style) lw 2 lc rgb '\(curve.color)' dt \(curve.dash) title \(GnuplotText.quoted(curve.title))")
            }
        }
        // The key sits under the plot in two columns; gnuplot does not reserve room for it above the x label.
        // A single evaluation step would give gnuplot an empty x range (and a warning); widen it by a step each side.
        let allSteps = curves.flatMap(\.steps)
        let xRange = allSteps.min() == allSteps.max() ? allSteps.first.map { "set xrange [\($0 - 1):\($0 + 1)]" } ?? "" : "set xrange [*:*]"
        let keyRows = (curves.count + 1) / 2
        let body = """
            set title \(GnuplotText.title(title))
            set xlabel 'optimizer step'
            \(xRange)
            set ylabel \(GnuplotText.quoted(yLabel))
            set grid lc rgb '#dddddd'
            set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
            set bmargin \(6 + keyRows)
            set border 3
            set xtics nomirror
            set ytics nomirror
            plot \(plots.joined(separator: ", \\\n     "))
            """
        return Chart(name: name, title: title, body: body, dataFiles: [(file, data)], height: 560 + 22 * keyRows)
    }
}
