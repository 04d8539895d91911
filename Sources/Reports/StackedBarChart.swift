/// The paper's Figure 1 as bars: per category, its parts stacked bottom to top, each part's value printed inside
/// nothing (the data file has them), and an optional mark per bar (the peak resident set) drawn as a point.
struct StackedBarChart {
    var name: String
    var title: String
    var yLabel: String
    var categories: [String]
    /// The parts, bottom first: a legend label, a colour and one value per category.
    var parts: [(label: String, color: String, values: [Double])]
    /// A point per category (nil: none), with its legend label.
    var mark: (label: String, values: [Double])?

    var chart: Chart {
        let file = name + ".tsv"
        // Columns: x position, each part's own value, the running sums (the top of each part), the mark, the category.
        var data = "# \(GnuplotText.comment(title))\n# columns: x position, each part, the cumulative top of each part"
        data += mark == nil ? ", category\n" : ", \(GnuplotText.comment(mark!.label)), category\n"
        data += (["x"] + parts.map { GnuplotText.field($0.label) } + parts.map { "top " + GnuplotText.field($0.label) }
                 + (mark.map { [GnuplotText.field($0.label)] } ?? []) + ["category"]).joined(separator: "\t") + "\n"
        for (i, category) in categories.enumerated() {
            var running = 0.0
            let tops = parts.map { part -> Double in running += part.values[i]; return running }
            let row = ["\(i)"] + parts.map { GnuplotText.number($0.values[i]) } + tops.map(GnuplotText.number)
                + (mark.map { [GnuplotText.number($0.values[i])] } ?? []) + [GnuplotText.field(category)]
            data += row.joined(separator: "\t") + "\n"
        }
        let labels = categories.map { $0.replacingOccurrences(of: " ", with: "\n") }
        let lines = labels.map { $0.split(separator: "\n").count }.max() ?? 1
        let upright = categories.count > 8
        // Each part's box reaches from 0 to its cumulative top; drawn from the top part down, each covers the ones
        // below it except where they show.
        var plots: [String] = []
        for (k, part) in parts.enumerated().reversed() {
            plots.append("\(GnuplotText.quoted(file)) skip 1 using 1:\(2 + parts.count + k) with boxes lc rgb '\(part.color)' title \(GnuplotText.quoted(part.label))")
        }
        if let mark {
            plots.append("\(GnuplotText.quoted(file)) skip 1 using 1:\(2 + 2 * parts.count) with points pt 7 ps 1.3 lc rgb '#000000' title \(GnuplotText.quoted(mark.label))")
        }
        let body = """
            set title \(GnuplotText.title(title))
            set ylabel \(GnuplotText.quoted(yLabel))
            set xrange [-0.6:\(Double(categories.count) - 0.4)]
            set yrange [0:*]
            set offsets 0, 0, graph 0.08, 0
            set xtics \(GnuplotText.tics(upright ? categories : labels)) \(upright ? "rotate by 90 right " : "")nomirror scale 0
            set ytics nomirror
            set grid ytics lc rgb '#dddddd'
            set boxwidth 0.7
            set style fill solid 0.9 noborder
            set border 3
            set key outside top center horizontal reverse Left
            \(upright ? "# many bars: gnuplot sizes the margin for the upright labels" : "set bmargin \(2 + lines)")
            plot \(plots.joined(separator: ", \\\n     "))
            """
        let longest = categories.map(\.count).max() ?? 0
        // Upright labels take their own length below the plot: the image grows with them, so the bars keep their height.
        return Chart(name: name, title: title, body: body, dataFiles: [(file, data)], width: upright ? 1200 : 960,
                     height: upright ? 560 + min(900, 7 * longest) : 600)
    }
}
