# Training loss of memory, full=true
# Written by `qlab report` from the lineage store. Data: loss-full-true.tsv.
# Re-render both images (after restyling, say) with: gnuplot loss-full-true.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,582 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,582 noenhanced font "Sans,11" background rgb "white"
    }
    set output "loss-full-true." . format
    set title "Training loss of memory, full=true"
    set xlabel 'optimizer step'
    set xrange [*:*]
    set ylabel 'loss (nats per token)'
    set grid lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 7
    set border 3
    set xtics nomirror
    set ytics nomirror
    plot 'loss-full-true.tsv' index 0 skip 1 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'setup=full-ft-float32 full=true optimizer=adamw rank=64 recompute=false source=64 target=64', \
         'loss-full-true.tsv' index 1 skip 1 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 2 title 'setup=full-ft-float32 full=true optimizer=adamw rank=64 recompute=false source=256 target=256'
    unset output
}
