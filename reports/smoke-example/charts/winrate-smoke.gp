# Tournament smoke: how often the row beat the column (ties count half)
# Written by `qlab report` from the lineage store. Data: winrate-smoke.tsv.
# Re-render both images (after restyling, say) with: gnuplot winrate-smoke.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 2815,880 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 2815,880 noenhanced font "Sans,11" background rgb "white"
    }
    set output "winrate-smoke." . format
    set title "Tournament smoke: how often the row beat the column (ties count half)"
    set xlabel 'opponent'
    set ylabel 'cell'
    set cblabel 'win rate of the row'
    set xrange [-0.5:8.5]
    set yrange [8.5:-0.5]
    set xtics ("learningRate=0.001 rank=16" 0, "learningRate=0.0002 rank=8" 1, "learningRate=0.0002 rank=16" 2, "learningRate=0.001 rank=8" 3, "base (no adapter)" 4, "06d6380da1ae" 5, "1bf61fd9bba9" 6, "b16cf2226f7c" 7, "df7424c01272" 8) scale 0
    set ytics ("learningRate=0.001 rank=16" 0, "learningRate=0.0002 rank=8" 1, "learningRate=0.0002 rank=16" 2, "learningRate=0.001 rank=8" 3, "base (no adapter)" 4, "06d6380da1ae" 5, "1bf61fd9bba9" 6, "b16cf2226f7c" 7, "df7424c01272" 8) scale 0
    set cbrange [0.0:1.0]
    set palette defined (0 '#f7fcf0', 0.5 '#7bccc4', 1 '#0868ac')
    set style textbox opaque fillcolor rgb 'white' noborder margins 2, 1
    set key off
    set rmargin 14
    set tics out
    plot 'winrate-smoke.tsv' skip 1 using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder fillcolor palette, \
         'winrate-smoke.tsv' skip 1 using 1:2:(sprintf('%.4g', $3)) with labels boxed font ',13'
    unset output
}
