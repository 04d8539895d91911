# peak_rss_mib of memory by setup (one seed, so no interval)
# Written by `qlab report` from the lineage store. Data: peak-rss-mib-by-setup.tsv.
# Re-render both images (after restyling, say) with: gnuplot peak-rss-mib-by-setup.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,934 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,934 noenhanced font "Sans,11" background rgb "white"
    }
    set output "peak-rss-mib-by-setup." . format
    set title "peak_rss_mib of memory by setup (one seed, so no interval)"
    set xlabel 'setup'
    set ylabel 'peak_rss_mib (MiB)'
    set xrange [-0.5:7.5]
    set xtics ("full-ft-float32" 0, "lora-float32" 1, "qlora-nf4" 2, "qlora-nf4-dq" 3, "qlora-nf4-dq-paged" 4, "qlora-nf4-dq-8bit" 5, "qlora-nf4-dq-r8" 6, "qlora-nf4-dq-recompute" 7) nomirror rotate by 90 right
    set ytics nomirror
    set grid ytics lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 23
    set border 3
    set offsets 0, 0, graph 0.08, graph 0.08
    plot 'peak-rss-mib-by-setup.tsv' index 0 skip 1 using ($1-0.275):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#0072B2' title 'full=true optimizer=adamw rank=64 recompute=false source=64 target=64', \
         'peak-rss-mib-by-setup.tsv' index 1 skip 1 using ($1-0.225):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#E69F00' title 'full=true optimizer=adamw rank=64 recompute=false source=256 target=256', \
         'peak-rss-mib-by-setup.tsv' index 2 skip 1 using ($1-0.175):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#009E73' title 'full=false optimizer=adamw rank=64 recompute=false source=64 target=64', \
         'peak-rss-mib-by-setup.tsv' index 3 skip 1 using ($1-0.125):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#CC79A7' title 'full=false optimizer=adamw rank=64 recompute=false source=256 target=256', \
         'peak-rss-mib-by-setup.tsv' index 4 skip 1 using ($1-0.075):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#56B4E9' title 'full=false optimizer=paged-adamw rank=64 recompute=false source=64 target=64', \
         'peak-rss-mib-by-setup.tsv' index 5 skip 1 using ($1-0.025):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#D55E00' title 'full=false optimizer=paged-adamw rank=64 recompute=false source=256 target=256', \
         'peak-rss-mib-by-setup.tsv' index 6 skip 1 using ($1+0.025):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#F0E442' title 'full=false optimizer=adamw-8bit rank=64 recompute=false source=64 target=64', \
         'peak-rss-mib-by-setup.tsv' index 7 skip 1 using ($1+0.075):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#000000' title 'full=false optimizer=adamw-8bit rank=64 recompute=false source=256 target=256', \
         'peak-rss-mib-by-setup.tsv' index 8 skip 1 using ($1+0.125):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#0072B2' title 'full=false optimizer=adamw rank=8 recompute=false source=64 target=64', \
         'peak-rss-mib-by-setup.tsv' index 9 skip 1 using ($1+0.175):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#E69F00' title 'full=false optimizer=adamw rank=8 recompute=false source=256 target=256', \
         'peak-rss-mib-by-setup.tsv' index 10 skip 1 using ($1+0.225):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#009E73' title 'full=false optimizer=adamw rank=64 recompute=true source=64 target=64', \
         'peak-rss-mib-by-setup.tsv' index 11 skip 1 using ($1+0.275):2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#CC79A7' title 'full=false optimizer=adamw rank=64 recompute=true source=256 target=256'
    unset output
}
