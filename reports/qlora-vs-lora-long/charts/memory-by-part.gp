# Memory by part per cell of qlora-vs-lora-long
# Written by `qlab report` from the lineage store. Data: memory-by-part.tsv.
# Re-render both images (after restyling, say) with: gnuplot memory-by-part.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,600 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,600 noenhanced font "Sans,11" background rgb "white"
    }
    set output "memory-by-part." . format
    set title "Memory by part per cell of qlora-vs-lora-long"
    set ylabel 'MiB'
    set xrange [-0.6:5.6]
    set yrange [0:*]
    set offsets 0, 0, graph 0.08, 0
    set xtics ("base=qlora-nf4-dq\nseed=0" 0, "base=qlora-nf4-dq\nseed=1" 1, "base=qlora-nf4-dq\nseed=2" 2, "base=lora-float32\nseed=0" 3, "base=lora-float32\nseed=1" 4, "base=lora-float32\nseed=2" 5) nomirror scale 0
    set ytics nomirror
    set grid ytics lc rgb '#dddddd'
    set boxwidth 0.7
    set style fill solid 0.9 noborder
    set border 3
    set key outside top center horizontal reverse Left
    set bmargin 4
    plot 'memory-by-part.tsv' skip 1 using 1:9 with boxes lc rgb '#CC79A7' title 'activations and their gradients', \
         'memory-by-part.tsv' skip 1 using 1:8 with boxes lc rgb '#009E73' title 'optimizer moments', \
         'memory-by-part.tsv' skip 1 using 1:7 with boxes lc rgb '#E69F00' title 'trainable values and gradients', \
         'memory-by-part.tsv' skip 1 using 1:6 with boxes lc rgb '#0072B2' title 'frozen base as stored', \
         'memory-by-part.tsv' skip 1 using 1:10 with points pt 7 ps 1.3 lc rgb '#000000' title 'peak resident set'
    unset output
}
