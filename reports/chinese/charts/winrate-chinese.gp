# Tournament chinese: how often the row beat the column (ties count half)
# Written by `qlab report` from the lineage store. Data: winrate-chinese.tsv.
# Re-render both images (after restyling, say) with: gnuplot winrate-chinese.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 2972,960 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 2972,960 noenhanced font "Sans,11" background rgb "white"
    }
    set output "winrate-chinese." . format
    set title "Tournament chinese: how often the row beat the column (ties count half)"
    set xlabel 'opponent'
    set ylabel 'cell'
    set cblabel 'win rate of the row'
    set xrange [-0.5:9.5]
    set yrange [9.5:-0.5]
    set xtics ("learningRate=0.001 seed=1" 0, "learningRate=0.0001 seed=0" 1, "learningRate=0.0003 seed=2" 2, "learningRate=0.001 seed=0" 3, "learningRate=0.0003 seed=0" 4, "learningRate=0.0001 seed=2" 5, "learningRate=0.001 seed=2" 6, "learningRate=0.0001 seed=1" 7, "learningRate=0.0003 seed=1" 8, "base (no adapter)" 9) scale 0
    set ytics ("learningRate=0.001 seed=1" 0, "learningRate=0.0001 seed=0" 1, "learningRate=0.0003 seed=2" 2, "learningRate=0.001 seed=0" 3, "learningRate=0.0003 seed=0" 4, "learningRate=0.0001 seed=2" 5, "learningRate=0.001 seed=2" 6, "learningRate=0.0001 seed=1" 7, "learningRate=0.0003 seed=1" 8, "base (no adapter)" 9) scale 0
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
