# Tournament chinese: how often the row beat the column (ties count half)
# Written by `qlab report` from the lineage store. Data: winrate-chinese.tsv.
# Re-render both images (after restyling, say) with: gnuplot winrate-chinese.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 1040,480 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 1040,480 noenhanced font "Sans,11" background rgb "white"
    }
    set output "winrate-chinese." . format
    set title "Tournament chinese: how often the row beat the column (ties count half)"
    set xlabel 'opponent'
    set ylabel 'cell'
    set cblabel 'win rate of the row'
    set xrange [-0.5:3.5]
    set yrange [3.5:-0.5]
    set xtics ("seed=1" 0, "seed=0" 1, "seed=2" 2, "base (no adapter)" 3) scale 0
    set ytics ("seed=1" 0, "seed=0" 1, "seed=2" 2, "base (no adapter)" 3) scale 0
    set cbrange [0.0:1.0]
    set palette defined (0 '#f7fcf0', 0.5 '#7bccc4', 1 '#0868ac')
    set style textbox opaque fillcolor rgb 'white' noborder margins 2, 1
    set key off
    set rmargin 14
    set tics out
    plot 'winrate-chinese.tsv' skip 1 using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder fillcolor palette, \
         'winrate-chinese.tsv' skip 1 using 1:2:(sprintf('%.4g', $3)) with labels boxed font ',13'
    unset output
}
