# Training throughput per cell of chinese
# Written by `qlab report` from the lineage store. Data: tokens-per-second.tsv.
# Re-render both images (after restyling, say) with: gnuplot tokens-per-second.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,662 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,662 noenhanced font "Sans,11" background rgb "white"
    }
    set output "tokens-per-second." . format
    set title "Training throughput per cell of chinese"
    set ylabel 'tokens_per_second (tokens/s)'
    set xrange [-0.6:8.6]
    set yrange [0:*]
    set offsets 0, 0, graph 0.12, 0
    set xtics ("learningRate=0.001 seed=0" 0, "learningRate=0.001 seed=1" 1, "learningRate=0.001 seed=2" 2, "learningRate=0.0001 seed=0" 3, "learningRate=0.0001 seed=1" 4, "learningRate=0.0001 seed=2" 5, "learningRate=0.0003 seed=0" 6, "learningRate=0.0003 seed=1" 7, "learningRate=0.0003 seed=2" 8) rotate by 90 right nomirror scale 0
    set ytics nomirror
    set grid ytics lc rgb '#dddddd'
    set boxwidth 0.6
    set style fill solid 0.85 noborder
    set border 3
    set key off
    # many bars: gnuplot sizes the margin for the upright labels
    plot 'tokens-per-second.tsv' skip 1 using 1:2 with boxes lc rgb '#009E73', \
         'tokens-per-second.tsv' skip 1 using 1:2:(sprintf('%.4g', $2)) with labels offset 0, 0.8
    unset output
}
