# Peak memory (resident set) per cell of memory
# Written by `qlab report` from the lineage store. Data: peak-rss-mib.tsv.
# Re-render both images (after restyling, say) with: gnuplot peak-rss-mib.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,840 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,840 noenhanced font "Sans,11" background rgb "white"
    }
    set output "peak-rss-mib." . format
    set title "Peak memory (resident set) per cell of memory"
    set ylabel 'peak_rss_mib (MiB)'
    set xrange [-0.6:15.6]
    set yrange [0:*]
    set offsets 0, 0, graph 0.12, 0
    set xtics ("setup=full-ft-float32 full=true optimizer=adamw rank=64 recompute=false source=64 target=64" 0, "setup=full-ft-float32 full=true optimizer=adamw rank=64 recompute=false source=256 target=256" 1, "setup=lora-float32 full=false optimizer=adamw rank=64 recompute=false source=64 target=64" 2, "setup=lora-float32 full=false optimizer=adamw rank=64 recompute=false source=256 target=256" 3, "setup=qlora-nf4 full=false optimizer=adamw rank=64 recompute=false source=64 target=64" 4, "setup=qlora-nf4 full=false optimizer=adamw rank=64 recompute=false source=256 target=256" 5, "setup=qlora-nf4-dq full=false optimizer=adamw rank=64 recompute=false source=64 target=64" 6, "setup=qlora-nf4-dq full=false optimizer=adamw rank=64 recompute=false source=256 target=256" 7, "setup=qlora-nf4-dq-paged full=false optimizer=paged-adamw rank=64 recompute=false source=64 target=64" 8, "setup=qlora-nf4-dq-paged full=false optimizer=paged-adamw rank=64 recompute=false source=256 target=256" 9, "setup=qlora-nf4-dq-8bit full=false optimizer=adamw-8bit rank=64 recompute=false source=64 target=64" 10, "setup=qlora-nf4-dq-8bit full=false optimizer=adamw-8bit rank=64 recompute=false source=256 target=256" 11, "setup=qlora-nf4-dq-r8 full=false optimizer=adamw rank=8 recompute=false source=64 target=64" 12, "setup=qlora-nf4-dq-r8 full=false optimizer=adamw rank=8 recompute=false source=256 target=256" 13, "setup=qlora-nf4-dq-recompute full=false optimizer=adamw rank=64 recompute=true source=64 target=64" 14, "setup=qlora-nf4-dq-recompute full=false optimizer=adamw rank=64 recompute=true source=256 target=256" 15) rotate by 90 right nomirror scale 0
    set ytics nomirror
    set grid ytics lc rgb '#dddddd'
    set boxwidth 0.6
    set style fill solid 0.85 noborder
    set border 3
    set key off
    # many bars: gnuplot sizes the margin for the upright labels
    plot 'peak-rss-mib.tsv' skip 1 using 1:2 with boxes lc rgb '#CC79A7', \
         'peak-rss-mib.tsv' skip 1 using 1:2:(sprintf('%.4g', $2)) with labels offset 0, 0.8
    unset output
}
