# Training loss of rate-by-rank, rank=8
# Written by `qlab report` from the lineage store. Data: loss-rank-8.tsv.
# Re-render both images (after restyling, say) with: gnuplot loss-rank-8.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,736 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,736 noenhanced font "Sans,11" background rgb "white"
    }
    set output "loss-rank-8." . format
    set title "Training loss of rate-by-rank, rank=8"
    set xlabel 'optimizer step'
    set xrange [*:*]
    set ylabel 'loss (nats per token)'
    set grid lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 14
    set border 3
    set xtics nomirror
    set ytics nomirror
    plot 'loss-rank-8.tsv' index 0 skip 1 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'learningRate=0.0002 rank=8 seed=0', \
         'loss-rank-8.tsv' index 1 skip 1 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 2 title 'learningRate=0.0002 rank=8 seed=1', \
         'loss-rank-8.tsv' index 2 skip 1 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 3 title 'learningRate=0.0002 rank=8 seed=2', \
         'loss-rank-8.tsv' index 3 skip 1 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'learningRate=0.0005 rank=8 seed=0', \
         'loss-rank-8.tsv' index 4 skip 1 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 2 title 'learningRate=0.0005 rank=8 seed=1', \
         'loss-rank-8.tsv' index 5 skip 1 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 3 title 'learningRate=0.0005 rank=8 seed=2', \
         'loss-rank-8.tsv' index 6 skip 1 using 1:2 with lines lw 2 lc rgb '#009E73' dt 1 title 'learningRate=0.001 rank=8 seed=0', \
         'loss-rank-8.tsv' index 7 skip 1 using 1:2 with lines lw 2 lc rgb '#009E73' dt 2 title 'learningRate=0.001 rank=8 seed=1', \
         'loss-rank-8.tsv' index 8 skip 1 using 1:2 with lines lw 2 lc rgb '#009E73' dt 3 title 'learningRate=0.001 rank=8 seed=2', \
         'loss-rank-8.tsv' index 9 skip 1 using 1:2 with lines lw 2 lc rgb '#CC79A7' dt 1 title 'learningRate=0.002 rank=8 seed=0', \
         'loss-rank-8.tsv' index 10 skip 1 using 1:2 with lines lw 2 lc rgb '#CC79A7' dt 2 title 'learningRate=0.002 rank=8 seed=1', \
         'loss-rank-8.tsv' index 11 skip 1 using 1:2 with lines lw 2 lc rgb '#CC79A7' dt 3 title 'learningRate=0.002 rank=8 seed=2', \
         'loss-rank-8.tsv' index 12 skip 1 using 1:2 with lines lw 2 lc rgb '#56B4E9' dt 1 title 'learningRate=0.005 rank=8 seed=0', \
         'loss-rank-8.tsv' index 13 skip 1 using 1:2 with lines lw 2 lc rgb '#56B4E9' dt 2 title 'learningRate=0.005 rank=8 seed=1', \
         'loss-rank-8.tsv' index 14 skip 1 using 1:2 with lines lw 2 lc rgb '#56B4E9' dt 3 title 'learningRate=0.005 rank=8 seed=2'
    unset output
}
