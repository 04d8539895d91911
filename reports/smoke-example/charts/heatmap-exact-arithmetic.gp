# exact_arithmetic of smoke by learningRate and rank, higher is better
# Written by `qlab report` from the lineage store. Data: heatmap-exact-arithmetic.tsv.
# Re-render both images (after restyling, say) with: gnuplot heatmap-exact-arithmetic.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 640,420 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 640,420 noenhanced font "Sans,11" background rgb "white"
    }
    set output "heatmap-exact-arithmetic." . format
    set title "exact_arithmetic of smoke by learningRate and rank, higher\nis better"
    set xlabel 'optimizer.learningRate'
    set ylabel 'lora.rank'
    set cblabel 'exact_arithmetic (fraction correct)'
    set xrange [-0.5:1.5]
    set yrange [-0.5:1.5]
    set xtics ("0.0002" 0, "0.001" 1) scale 0
    set ytics ("8" 0, "16" 1) scale 0
    set cbrange [0.0:1.0]
    set palette defined (0 '#f7fcf0', 0.5 '#7bccc4', 1 '#0868ac')
    set style textbox opaque fillcolor rgb 'white' noborder margins 2, 1
    set key off
    set rmargin 14
    set tics out
    plot 'heatmap-exact-arithmetic.tsv' skip 1 using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder fillcolor palette, \
         'heatmap-exact-arithmetic.tsv' skip 1 using 1:2:(sprintf('%.4g', $3)) with labels boxed font ',13'
    unset output
}
