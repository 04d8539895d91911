# Training loss of learning-rate, kind=constant
# Written by `qlab report` from the lineage store. Data: loss-kind-constant.tsv.
# Re-render both images (after restyling, say) with: gnuplot loss-kind-constant.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,670 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,670 noenhanced font "Sans,11" background rgb "white"
    }
    set output "loss-kind-constant." . format
    set title "Training loss of learning-rate, kind=constant"
    set xlabel 'optimizer step'
    set xrange [*:*]
    set ylabel 'loss (nats per token)'
    set grid lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 11
    set border 3
    set xtics nomirror
    set ytics nomirror
    plot 'loss-kind-constant.tsv' index 0 skip 1 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'learningRate=0.0001 kind=constant seed=0', \
         'loss-kind-constant.tsv' index 1 skip 1 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 2 title 'learningRate=0.0001 kind=constant seed=1', \
         'loss-kind-constant.tsv' index 2 skip 1 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 3 title 'learningRate=0.0001 kind=constant seed=2', \
         'loss-kind-constant.tsv' index 3 skip 1 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'learningRate=0.0002 kind=constant seed=0', \
         'loss-kind-constant.tsv' index 4 skip 1 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 2 title 'learningRate=0.0002 kind=constant seed=1', \
         'loss-kind-constant.tsv' index 5 skip 1 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 3 title 'learningRate=0.0002 kind=constant seed=2', \
         'loss-kind-constant.tsv' index 6 skip 1 using 1:2 with lines lw 2 lc rgb '#009E73' dt 1 title 'learningRate=0.0005 kind=constant seed=0', \
         'loss-kind-constant.tsv' index 7 skip 1 using 1:2 with lines lw 2 lc rgb '#009E73' dt 2 title 'learningRate=0.0005 kind=constant seed=1', \
         'loss-kind-constant.tsv' index 8 skip 1 using 1:2 with lines lw 2 lc rgb '#009E73' dt 3 title 'learningRate=0.0005 kind=constant seed=2'
    unset output
}
