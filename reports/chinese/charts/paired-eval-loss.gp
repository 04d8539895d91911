# eval_loss: each configuration minus the best (learningRate=0.001), per seed
# Written by `qlab report` from the lineage store. Data: paired-eval-loss.tsv.
# Re-render both images (after restyling, say) with: gnuplot paired-eval-loss.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,560 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,560 noenhanced font "Sans,11" background rgb "white"
    }
    set output "paired-eval-loss." . format
    set title "eval_loss: each configuration minus the best (learningRate=0.001), per seed"
    set ylabel 'Δ eval_loss (nats per token) (above 0: worse than the best)'
    set xrange [-0.5:1.5]
    set xtics ("learningRate=0.0003" 0, "learningRate=0.0001" 1) nomirror
    set ytics nomirror
    set grid ytics lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 7
    set border 3
    set offsets 0, 0, graph 0.08, graph 0.08
    plot 0 with lines lc rgb '#888888' dt 2 notitle, \
         'paired-eval-loss.tsv' index 1 skip 1 using ($1+0.12):2 with points pt 6 ps 1.2 lc rgb '#E69F00' title "one seed", \
         'paired-eval-loss.tsv' index 0 skip 1 using 1:2:3:4 with yerrorbars lw 2 pt 7 ps 1.4 lc rgb '#0072B2' title "mean paired difference ± 95% interval"
    unset output
}
