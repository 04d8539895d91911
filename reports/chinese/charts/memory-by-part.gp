# Memory by part per cell of chinese
# Written by `qlab report` from the lineage store. Data: memory-by-part.tsv.
# Re-render both images (after restyling, say) with: gnuplot memory-by-part.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 1200,742 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 1200,742 noenhanced font "Sans,11" background rgb "white"
    }
    set output "memory-by-part." . format
    set title "Memory by part per cell of chinese"
    set ylabel 'MiB'
    set xrange [-0.6:8.6]
    set yrange [0:*]
    set offsets 0, 0, graph 0.08, 0
    set xtics ("learningRate=0.001 seed=0" 0, "learningRate=0.001 seed=1" 1, "learningRate=0.001 seed=2" 2, "learningRate=0.0001 seed=0" 3, "learningRate=0.0001 seed=1" 4, "learningRate=0.0001 seed=2" 5, "learningRate=0.0003 seed=0" 6, "learningRate=0.0003 seed=1" 7, "learningRate=0.0003 seed=2" 8) rotate by 90 right nomirror scale 0
    set ytics nomirror
    set grid ytics lc rgb '#dddddd'
    set boxwidth 0.7
    set style fill solid 0.9 noborder
    set border 3
    set key outside top center horizontal reverse Left
    # many bars: gnuplot sizes the margin for the upright labels
    plot 'memory-by-part.tsv' skip 1 using 1:9 with boxes lc rgb '#CC79A7' title 'activations and their gradients', \
         'memory-by-part.tsv' skip 1 using 1:8 with boxes lc rgb '#009E73' title 'optimizer moments', \
         'memory-by-part.tsv' skip 1 using 1:7 with boxes lc rgb '#E69F00' title 'trainable values and gradients', \
         'memory-by-part.tsv' skip 1 using 1:6 with boxes lc rgb '#0072B2' title 'frozen base as stored', \
         'memory-by-part.tsv' skip 1 using 1:10 with points pt 7 ps 1.3 lc rgb '#000000' title 'peak resident set'
    unset output
}
