# Held-out loss during training of learning-rate, kind=cosine
# Written by `qlab report` from the lineage store. Data: eval-loss-kind-cosine.tsv.
# Re-render both images (after restyling, say) with: gnuplot eval-loss-kind-cosine.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,604 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,604 noenhanced font "Sans,11" background rgb "white"
    }
    set output "eval-loss-kind-cosine." . format
    set title "Held-out loss during training of learning-rate, kind=cosine"
    set xlabel 'optimizer step'
    set xrange [39:41]
    set ylabel 'eval_loss (nats per token)'
    set grid lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 8
    set border 3
    set xtics nomirror
    set ytics nomirror
    plot 'eval-loss-kind-cosine.tsv' index 0 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#E69F00' dt 1 title 'learningRate=0.0002 kind=cosine seed=0', \
         'eval-loss-kind-cosine.tsv' index 1 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#E69F00' dt 2 title 'learningRate=0.0002 kind=cosine seed=1', \
         'eval-loss-kind-cosine.tsv' index 2 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#E69F00' dt 3 title 'learningRate=0.0002 kind=cosine seed=2'
    unset output
}
