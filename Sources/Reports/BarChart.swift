/// One bar per category with its value printed above it (throughput or memory per cell).
struct BarChart {
    var name: String
    var title: String
    var yLabel: String
    var categories: [String]
    var values: [Double]
    var color: String

    var chart: Chart {
        let file = name + ".tsv"
        var data = "# \(GnuplotText.comment(title))\n# columns: x position, value, category\nx\tvalue\tcategory\n"
        for (i, v) in values.enumerated() {
            data += "\(i)\t\(GnuplotText.number(v))\t\(GnuplotText.field(categories[i]))\n"
        }
        // A few bars take their labels one axis per line, level; many bars need them turned upright to fit.
        let stacked = categories.count <= 8
        let labels = stacked ? categories.map { $0.replacingOccurrences(of: " ", with: "\n") } : categories
        let lines = labels.map { $0.split(separator: "\n").count }.max() ?? 1
        let longest = categories.map(\.count).max() ?? 0
        let height = stacked ? 520 : 480 + min(360, 7 * longest)
        let body = """
            set title \(GnuplotText.title(title))
            set ylabel \(GnuplotText.quoted(yLabel))
            set xrange [-0.6:\(Double(categories.count) - 0.4)]
            set yrange [0:*]
            set offsets 0, 0, graph 0.12, 0
            set xtics \(GnuplotText.tics(labels)) \(stacked ? "" : "rotate by 90 right ")nomirror scale 0
            set ytics nomirror
            set grid ytics lc rgb '#dddddd'
            set boxwidth 0.6
            set style fill solid 0.85 noborder
            set border 3
            set key off
            \(stacked ? "set bmargin \(2 + lines)" : "# many bars: gnuplot sizes the margin for the upright labels")
            plot \(GnuplotText.quoted(file)) skip 1 using 1:2 with boxes lc rgb '\(color)', \\
                 \(GnuplotText.quoted(file)) skip 1 using 1:2:(sprintf('%.4g', $2)) with labels offset 0, 0.8
            """
        return Chart(name: name, title: title, body: body, dataFiles: [(file, data)], height: height)
    }
}
