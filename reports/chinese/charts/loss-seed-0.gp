# Training loss of chinese, seed=0
# Written by `qlab report` from the lineage store. Data: loss-seed-0.tsv.
# Re-render both images (after restyling, say) with: gnuplot loss-seed-0.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,604 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,604 noenhanced font "Sans,11" background rgb "white"
    }
    set output "loss-seed-0." . format
    set title "Training loss of chinese, seed=0"
    set xlabel 'optimizer step'
    set xrange [*:*]
    set ylabel 'loss (nats per token)'
    set grid lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 8
    set border 3
    set xtics nomirror
    set ytics nomirror
    plot 'loss-seed-0.tsv' index 0 skip 1 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'learningRate=0.001 seed=0', \
         'loss-seed-0.tsv' index 1 skip 1 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'learningRate=0.0001 seed=0', \
         'loss-seed-0.tsv' index 2 skip 1 using 1:2 with lines lw 2 lc rgb '#009E73' dt 1 title 'learningRate=0.0003 seed=0'
    unset output
}
