# Held-out loss during training of lora-layers, rank=64
# Written by `qlab report` from the lineage store. Data: eval-loss-rank-64.tsv.
# Re-render both images (after restyling, say) with: gnuplot eval-loss-rank-64.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,670 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,670 noenhanced font "Sans,11" background rgb "white"
    }
    set output "eval-loss-rank-64." . format
    set title "Held-out loss during training of lora-layers, rank=64"
    set xlabel 'optimizer step'
    set xrange [39:41]
    set ylabel 'eval_loss (nats per token)'
    set grid lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 11
    set border 3
    set xtics nomirror
    set ytics nomirror
    plot 'eval-loss-rank-64.tsv' index 0 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#0072B2' dt 1 title 'layers=key+query rank=64 seed=0', \
         'eval-loss-rank-64.tsv' index 1 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#0072B2' dt 2 title 'layers=key+query rank=64 seed=1', \
         'eval-loss-rank-64.tsv' index 2 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#0072B2' dt 3 title 'layers=key+query rank=64 seed=2', \
         'eval-loss-rank-64.tsv' index 3 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#E69F00' dt 1 title 'layers=attention rank=64 seed=0', \
         'eval-loss-rank-64.tsv' index 4 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#E69F00' dt 2 title 'layers=attention rank=64 seed=1', \
         'eval-loss-rank-64.tsv' index 5 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#E69F00' dt 3 title 'layers=attention rank=64 seed=2', \
         'eval-loss-rank-64.tsv' index 6 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#009E73' dt 1 title 'layers=all rank=64 seed=0', \
         'eval-loss-rank-64.tsv' index 7 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#009E73' dt 2 title 'layers=all rank=64 seed=1', \
         'eval-loss-rank-64.tsv' index 8 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#009E73' dt 3 title 'layers=all rank=64 seed=2'
    unset output
}
