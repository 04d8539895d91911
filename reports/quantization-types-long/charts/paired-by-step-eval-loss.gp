# eval_loss during training: each configuration minus the best (quantization=nf4), per seed
# Written by `qlab report` from the lineage store. Data: paired-by-step-eval-loss.tsv.
# Re-render both images (after restyling, say) with: gnuplot paired-by-step-eval-loss.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,600 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,600 noenhanced font "Sans,11" background rgb "white"
    }
    set output "paired-by-step-eval-loss." . format
    set title "eval_loss during training: each configuration minus the best (quantization=nf4), per\nseed"
    set xlabel "step"
    set ylabel 'Δ eval_loss (nats per token) (above 0: worse than the best)'
    set xtics ("80" 80, "160" 160, "240" 240, "320" 320) nomirror
    set ytics nomirror
    set grid ytics lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 7
    set border 3
    set offsets graph 0.04, graph 0.04, graph 0.08, graph 0.08
    plot 0 with lines lc rgb '#888888' dt 2 notitle, \
         'paired-by-step-eval-loss.tsv' index 1 skip 1 using ($1-2.4):2 with points pt 6 ps 1.1 lc rgb '#0072B2' notitle, \
         'paired-by-step-eval-loss.tsv' index 0 skip 1 using ($1-2.4):2:3:4 with yerrorlines lw 2 pt 7 ps 1.3 lc rgb '#0072B2' title 'quantization=int4: mean ± 95% interval', \
         'paired-by-step-eval-loss.tsv' index 3 skip 1 using ($1+2.4):2 with points pt 6 ps 1.1 lc rgb '#E69F00' notitle, \
         'paired-by-step-eval-loss.tsv' index 2 skip 1 using ($1+2.4):2:3:4 with yerrorlines lw 2 pt 7 ps 1.3 lc rgb '#E69F00' title 'quantization=fp4: mean ± 95% interval'
    unset output
}
