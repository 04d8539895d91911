# eval_loss of chinese by learningRate (mean ± 95% interval over 3 seeds)
# Written by `qlab report` from the lineage store. Data: eval-loss-by-learningRate.tsv.
# Re-render both images (after restyling, say) with: gnuplot eval-loss-by-learningRate.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,582 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,582 noenhanced font "Sans,11" background rgb "white"
    }
    set output "eval-loss-by-learningRate." . format
    set title "eval_loss of chinese by learningRate (mean ± 95% interval over 3 seeds)"
    set xlabel 'optimizer.learningRate (log scale)'
    set ylabel 'eval_loss (nats per token)'
    set xrange [7.142857142857143e-05:0.0014]
    set logscale x 10
    set xtics ('0.0001' 0.0001, '0.0003' 0.0003, '0.001' 0.001) nomirror
    set ytics nomirror
    set grid ytics lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 7
    set border 3
    set offsets 0, 0, graph 0.08, graph 0.08
    plot 'eval-loss-by-learningRate.tsv' index 0 skip 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#0072B2' title 'eval_loss'
    unset output
}
