# Training loss of quantization-types, doubleQuant=false
# Written by `qlab report` from the lineage store. Data: loss-doubleQuant-false.tsv.
# Re-render both images (after restyling, say) with: gnuplot loss-doubleQuant-false.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,692 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,692 noenhanced font "Sans,11" background rgb "white"
    }
    set output "loss-doubleQuant-false." . format
    set title "Training loss of quantization-types, doubleQuant=false"
    set xlabel 'optimizer step'
    set xrange [*:*]
    set ylabel 'loss (nats per token)'
    set grid lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 12
    set border 3
    set xtics nomirror
    set ytics nomirror
    plot 'loss-doubleQuant-false.tsv' index 0 skip 1 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 1 title 'quantization=nf4 doubleQuant=false seed=0', \
         'loss-doubleQuant-false.tsv' index 1 skip 1 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 2 title 'quantization=nf4 doubleQuant=false seed=1', \
         'loss-doubleQuant-false.tsv' index 2 skip 1 using 1:2 with lines lw 2 lc rgb '#0072B2' dt 3 title 'quantization=nf4 doubleQuant=false seed=2', \
         'loss-doubleQuant-false.tsv' index 3 skip 1 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'quantization=fp4 doubleQuant=false seed=0', \
         'loss-doubleQuant-false.tsv' index 4 skip 1 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 2 title 'quantization=fp4 doubleQuant=false seed=1', \
         'loss-doubleQuant-false.tsv' index 5 skip 1 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 3 title 'quantization=fp4 doubleQuant=false seed=2', \
         'loss-doubleQuant-false.tsv' index 6 skip 1 using 1:2 with lines lw 2 lc rgb '#009E73' dt 1 title 'quantization=int4 doubleQuant=false seed=0', \
         'loss-doubleQuant-false.tsv' index 7 skip 1 using 1:2 with lines lw 2 lc rgb '#009E73' dt 2 title 'quantization=int4 doubleQuant=false seed=1', \
         'loss-doubleQuant-false.tsv' index 8 skip 1 using 1:2 with lines lw 2 lc rgb '#009E73' dt 3 title 'quantization=int4 doubleQuant=false seed=2', \
         'loss-doubleQuant-false.tsv' index 9 skip 1 using 1:2 with lines lw 2 lc rgb '#CC79A7' dt 1 title 'quantization=none doubleQuant=false seed=0', \
         'loss-doubleQuant-false.tsv' index 10 skip 1 using 1:2 with lines lw 2 lc rgb '#CC79A7' dt 2 title 'quantization=none doubleQuant=false seed=1', \
         'loss-doubleQuant-false.tsv' index 11 skip 1 using 1:2 with lines lw 2 lc rgb '#CC79A7' dt 3 title 'quantization=none doubleQuant=false seed=2'
    unset output
}
