# Held-out loss during training of quantization-types-long, seed=1
# Written by `qlab report` from the lineage store. Data: eval-loss-seed-1.tsv.
# Re-render both images (after restyling, say) with: gnuplot eval-loss-seed-1.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,604 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,604 noenhanced font "Sans,11" background rgb "white"
    }
    set output "eval-loss-seed-1." . format
    set title "Held-out loss during training of quantization-types-long, seed=1"
    set xlabel 'optimizer step'
    set xrange [*:*]
    set ylabel 'eval_loss (nats per token)'
    set grid lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 8
    set border 3
    set xtics nomirror
    set ytics nomirror
    plot 'eval-loss-seed-1.tsv' index 0 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#0072B2' dt 1 title 'quantization=nf4 seed=1', \
         'eval-loss-seed-1.tsv' index 1 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#E69F00' dt 1 title 'quantization=fp4 seed=1', \
         'eval-loss-seed-1.tsv' index 2 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#009E73' dt 1 title 'quantization=int4 seed=1'
    unset output
}
