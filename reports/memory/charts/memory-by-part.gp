# Memory by part per cell of memory
# Written by `qlab report` from the lineage store. Data: memory-by-part.tsv.
# Re-render both images (after restyling, say) with: gnuplot memory-by-part.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 1200,1281 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 1200,1281 noenhanced font "Sans,11" background rgb "white"
    }
    set output "memory-by-part." . format
    set title "Memory by part per cell of memory"
    set ylabel 'MiB'
    set xrange [-0.6:15.6]
    set yrange [0:*]
    set offsets 0, 0, graph 0.08, 0
    set xtics ("setup=full-ft-float32 full=true optimizer=adamw rank=64 recompute=false source=64 target=64" 0, "setup=full-ft-float32 full=true optimizer=adamw rank=64 recompute=false source=256 target=256" 1, "setup=lora-float32 full=false optimizer=adamw rank=64 recompute=false source=64 target=64" 2, "setup=lora-float32 full=false optimizer=adamw rank=64 recompute=false source=256 target=256" 3, "setup=qlora-nf4 full=false optimizer=adamw rank=64 recompute=false source=64 target=64" 4, "setup=qlora-nf4 full=false optimizer=adamw rank=64 recompute=false source=256 target=256" 5, "setup=qlora-nf4-dq full=false optimizer=adamw rank=64 recompute=false source=64 target=64" 6, "setup=qlora-nf4-dq full=false optimizer=adamw rank=64 recompute=false source=256 target=256" 7, "setup=qlora-nf4-dq-paged full=false optimizer=paged-adamw rank=64 recompute=false source=64 target=64" 8, "setup=qlora-nf4-dq-paged full=false optimizer=paged-adamw rank=64 recompute=false source=256 target=256" 9, "setup=qlora-nf4-dq-8bit full=false optimizer=adamw-8bit rank=64 recompute=false source=64 target=64" 10, "setup=qlora-nf4-dq-8bit full=false optimizer=adamw-8bit rank=64 recompute=false source=256 target=256" 11, "setup=qlora-nf4-dq-r8 full=false optimizer=adamw rank=8 recompute=false source=64 target=64" 12, "setup=qlora-nf4-dq-r8 full=false optimizer=adamw rank=8 recompute=false source=256 target=256" 13, "setup=qlora-nf4-dq-recompute full=false optimizer=adamw rank=64 recompute=true source=64 target=64" 14, "setup=qlora-nf4-dq-recompute full=false optimizer=adamw rank=64 recompute=true source=256 target=256" 15) rotate by 90 right nomirror scale 0
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
