# Training loss of memory, full=false
# Written by `qlab report` from the lineage store. Data: loss-full-false.tsv.
# Re-render both images (after restyling, say) with: gnuplot loss-full-false.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,714 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,714 noenhanced font "Sans,11" background rgb "white"
    }
    set output "loss-full-false." . format
    set title "Training loss of memory, full=false"
    set xlabel 'optimizer step'
    set xrange [*:*]
    set ylabel 'loss (nats per token)'
    set grid lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 13
    set border 3
    set xtics nomirror
    set ytics nomirror
    plot 'loss-full-false.tsv' index 0 skip 1 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 1 title 'setup=lora-float32 full=false optimizer=adamw rank=64 recompute=false source=64 target=64', \
         'loss-full-false.tsv' index 1 skip 1 using 1:2 with lines lw 2 lc rgb '#E69F00' dt 2 title 'setup=lora-float32 full=false optimizer=adamw rank=64 recompute=false source=256 target=256', \
         'loss-full-false.tsv' index 2 skip 1 using 1:2 with lines lw 2 lc rgb '#009E73' dt 1 title 'setup=qlora-nf4 full=false optimizer=adamw rank=64 recompute=false source=64 target=64', \
         'loss-full-false.tsv' index 3 skip 1 using 1:2 with lines lw 2 lc rgb '#009E73' dt 2 title 'setup=qlora-nf4 full=false optimizer=adamw rank=64 recompute=false source=256 target=256', \
         'loss-full-false.tsv' index 4 skip 1 using 1:2 with lines lw 2 lc rgb '#CC79A7' dt 1 title 'setup=qlora-nf4-dq full=false optimizer=adamw rank=64 recompute=false source=64 target=64', \
         'loss-full-false.tsv' index 5 skip 1 using 1:2 with lines lw 2 lc rgb '#CC79A7' dt 2 title 'setup=qlora-nf4-dq full=false optimizer=adamw rank=64 recompute=false source=256 target=256', \
         'loss-full-false.tsv' index 6 skip 1 using 1:2 with lines lw 2 lc rgb '#56B4E9' dt 1 title 'setup=qlora-nf4-dq-paged full=false optimizer=paged-adamw rank=64 recompute=false source=64 target=64', \
         'loss-full-false.tsv' index 7 skip 1 using 1:2 with lines lw 2 lc rgb '#56B4E9' dt 2 title 'setup=qlora-nf4-dq-paged full=false optimizer=paged-adamw rank=64 recompute=false source=256 target=256', \
         'loss-full-false.tsv' index 8 skip 1 using 1:2 with lines lw 2 lc rgb '#D55E00' dt 1 title 'setup=qlora-nf4-dq-8bit full=false optimizer=adamw-8bit rank=64 recompute=false source=64 target=64', \
         'loss-full-false.tsv' index 9 skip 1 using 1:2 with lines lw 2 lc rgb '#D55E00' dt 2 title 'setup=qlora-nf4-dq-8bit full=false optimizer=adamw-8bit rank=64 recompute=false source=256 target=256', \
         'loss-full-false.tsv' index 10 skip 1 using 1:2 with lines lw 2 lc rgb '#F0E442' dt 1 title 'setup=qlora-nf4-dq-r8 full=false optimizer=adamw rank=8 recompute=false source=64 target=64', \
         'loss-full-false.tsv' index 11 skip 1 using 1:2 with lines lw 2 lc rgb '#F0E442' dt 2 title 'setup=qlora-nf4-dq-r8 full=false optimizer=adamw rank=8 recompute=false source=256 target=256', \
         'loss-full-false.tsv' index 12 skip 1 using 1:2 with lines lw 2 lc rgb '#000000' dt 1 title 'setup=qlora-nf4-dq-recompute full=false optimizer=adamw rank=64 recompute=true source=64 target=64', \
         'loss-full-false.tsv' index 13 skip 1 using 1:2 with lines lw 2 lc rgb '#000000' dt 2 title 'setup=qlora-nf4-dq-recompute full=false optimizer=adamw rank=64 recompute=true source=256 target=256'
    unset output
}
