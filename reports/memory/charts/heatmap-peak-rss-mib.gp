# peak_rss_mib of memory by setup and full (mean over seeds and other axes), lower is better
# Written by `qlab report` from the lineage store. Data: heatmap-peak-rss-mib.tsv.
# Re-render both images (after restyling, say) with: gnuplot heatmap-peak-rss-mib.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 1932,420 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 1932,420 noenhanced font "Sans,11" background rgb "white"
    }
    set output "heatmap-peak-rss-mib." . format
    set title "peak_rss_mib of memory by setup and full (mean over seeds and other axes), lower is better"
    set xlabel 'setup'
    set ylabel 'full'
    set cblabel 'peak_rss_mib (MiB)'
    set xrange [-0.5:7.5]
    set yrange [-0.5:1.5]
    set xtics ("full-ft-float32" 0, "lora-float32" 1, "qlora-nf4" 2, "qlora-nf4-dq" 3, "qlora-nf4-dq-paged" 4, "qlora-nf4-dq-8bit" 5, "qlora-nf4-dq-r8" 6, "qlora-nf4-dq-recompute" 7) scale 0
    set ytics ("true" 0, "false" 1) scale 0
    unset cbrange
    set palette defined (0 '#0868ac', 0.5 '#7bccc4', 1 '#f7fcf0')
    set style textbox opaque fillcolor rgb 'white' noborder margins 2, 1
    set key off
    set rmargin 14
    set tics out
    plot 'heatmap-peak-rss-mib.tsv' skip 1 using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder fillcolor palette, \
         'heatmap-peak-rss-mib.tsv' skip 1 using 1:2:(sprintf('%.4g', $3)) with labels boxed font ',13'
    unset output
}
