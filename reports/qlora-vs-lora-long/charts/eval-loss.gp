# Held-out loss during training of qlora-vs-lora-long
# Written by `qlab report` from the lineage store. Data: eval-loss.tsv.
# Re-render both images (after restyling, say) with: gnuplot eval-loss.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,626 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,626 noenhanced font "Sans,11" background rgb "white"
    }
    set output "eval-loss." . format
    set title "Held-out loss during training of qlora-vs-lora-long"
    set xlabel 'optimizer step'
    set xrange [*:*]
    set ylabel 'eval_loss (nats per token)'
    set grid lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 9
    set border 3
    set xtics nomirror
    set ytics nomirror
    plot 'eval-loss.tsv' index 0 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#0072B2' dt 1 title 'base=qlora-nf4-dq seed=0', \
         'eval-loss.tsv' index 1 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#0072B2' dt 2 title 'base=qlora-nf4-dq seed=1', \
         'eval-loss.tsv' index 2 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#0072B2' dt 3 title 'base=qlora-nf4-dq seed=2', \
         'eval-loss.tsv' index 3 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#E69F00' dt 1 title 'base=lora-float32 seed=0', \
         'eval-loss.tsv' index 4 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#E69F00' dt 2 title 'base=lora-float32 seed=1', \
         'eval-loss.tsv' index 5 skip 1 using 1:2 with linespoints pt 7 ps 0.8 lw 2 lc rgb '#E69F00' dt 3 title 'base=lora-float32 seed=2'
    unset output
}
