/// A grid of coloured cells with their values printed on them (a metric over two axes, or win rates).
struct HeatMapChart {
    var name: String
    var title: String
    var xLabel: String
    var yLabel: String
    var colorLabel: String
    var xCategories: [String]
    var yCategories: [String]
    /// Values by (x index, y index); a missing pair is left blank.
    var values: [(x: Int, y: Int, value: Double)]
    /// Fixed colour range (win rates run 0…1); nil fits the data.
    var range: ClosedRange<Double>? = nil
    /// Whether the "good" end is low (the palette puts good at the dark end either way).
    var lowerIsBetter = true
    /// Whether y category 0 is drawn at the top (a ranking) rather than at the bottom (an axis).
    var firstRowOnTop = false

    var chart: Chart {
        let file = name + ".tsv"
        var data = "# \(GnuplotText.comment(title))\n# columns: x position, y position, value, x category, y category\nx\ty\tvalue\tx_category\ty_category\n"
        for v in values {
            data += "\(v.x)\t\(v.y)\t\(GnuplotText.number(v.value))\t\(GnuplotText.field(xCategories[v.x]))\t\(GnuplotText.field(yCategories[v.y]))\n"
        }
        let light = "'#f7fcf0'", mid = "'#7bccc4'", dark = "'#0868ac'"
        let palette = lowerIsBetter ? "(0 \(dark), 0.5 \(mid), 1 \(light))" : "(0 \(light), 0.5 \(mid), 1 \(dark))"
        // Columns wide enough for their labels (about 9 px a character at the tic font).
        let column = max(130, 9 * (xCategories.map(\.count).max() ?? 0) + 16)
        let width = max(640, 160 + column * xCategories.count + 12 * (yCategories.map(\.count).max() ?? 0))
        let height = max(420, 160 + 80 * yCategories.count)
        let body = """
            set title \(GnuplotText.title(title, width: width / 11))
            set xlabel \(GnuplotText.quoted(xLabel))
            set ylabel \(GnuplotText.quoted(yLabel))
            set cblabel \(GnuplotText.quoted(colorLabel))
            set xrange [-0.5:\(Double(xCategories.count) - 0.5)]
            set yrange \(firstRowOnTop ? "[\(Double(yCategories.count) - 0.5):-0.5]" : "[-0.5:\(Double(yCategories.count) - 0.5)]")
            set xtics \(GnuplotText.tics(xCategories)) scale 0
            set ytics \(GnuplotText.tics(yCategories)) scale 0
            \(range.map { "set cbrange [\($0.lowerBound):\($0.upperBound)]" } ?? "unset cbrange")
            set palette defined \(palette)
            set style textbox opaque fillcolor rgb 'white' noborder margins 2, 1
            set key off
            set rmargin 14
            set tics out
            plot \(GnuplotText.quoted(file)) skip 1 using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder fillcolor palette, \\
                 \(GnuplotText.quoted(file)) skip 1 using 1:2:(sprintf('%.4g', $3)) with labels boxed font ',13'
            """
        return Chart(name: name, title: title, body: body, dataFiles: [(file, data)], width: width, height: height)
    }
}
