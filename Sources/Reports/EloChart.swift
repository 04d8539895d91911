/// Ratings with their intervals as horizontal bars, best at the top.
struct EloChart {
    var name: String
    var title: String
    /// Ratings best first: label, rating, interval ends (nil: no interval recorded).
    var entries: [(label: String, rating: Double, lower: Double?, upper: Double?)]

    var chart: Chart {
        let file = name + ".tsv"
        var data = "# \(GnuplotText.comment(title))\n# columns: y position (best at the top), rating, lower and upper end of the interval, cell\ny\trating\tlower\tupper\tcell\n"
        let n = entries.count
        for (rank, e) in entries.enumerated() {
            data += "\(n - 1 - rank)\t\(GnuplotText.number(e.rating))\t\(GnuplotText.number(e.lower ?? e.rating))\t\(GnuplotText.number(e.upper ?? e.rating))\t\(GnuplotText.field(e.label))\n"
        }
        let labels = entries.enumerated().map { ($1.label, n - 1 - $0) }
        let tics = "(" + labels.map { "\(GnuplotText.quoted($0.0)) \($0.1)" }.joined(separator: ", ") + ")"
        let body = """
            set title \(GnuplotText.title(title))
            set xlabel 'Elo rating (bars: interval)'
            set yrange [-0.6:\(Double(n) - 0.4)]
            set ytics \(tics) nomirror scale 0
            set xtics nomirror
            set grid xtics lc rgb '#dddddd'
            set offsets graph 0.05, graph 0.05, 0, 0
            set border 3
            set key off
            plot \(GnuplotText.quoted(file)) skip 1 using 2:1:3:4 with xerrorbars pt 7 ps 1.4 lw 2 lc rgb '#0072B2', \\
                 \(GnuplotText.quoted(file)) skip 1 using 2:1:(sprintf('%.0f', $2)) with labels offset 0, 1
            """
        return Chart(name: name, title: title, body: body, dataFiles: [(file, data)], height: max(360, 140 + 50 * n))
    }
}
