# Peak memory (resident set) per cell of qlora-vs-lora-long
# Written by `qlab report` from the lineage store. Data: peak-rss-mib.tsv.
# Re-render both images (after restyling, say) with: gnuplot peak-rss-mib.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,520 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,520 noenhanced font "Sans,11" background rgb "white"
    }
    set output "peak-rss-mib." . format
    set title "Peak memory (resident set) per cell of qlora-vs-lora-long"
    set ylabel 'peak_rss_mib (MiB)'
    set xrange [-0.6:5.6]
    set yrange [0:*]
    set offsets 0, 0, graph 0.12, 0
    set xtics ("base=qlora-nf4-dq\nseed=0" 0, "base=qlora-nf4-dq\nseed=1" 1, "base=qlora-nf4-dq\nseed=2" 2, "base=lora-float32\nseed=0" 3, "base=lora-float32\nseed=1" 4, "base=lora-float32\nseed=2" 5) nomirror scale 0
    set ytics nomirror
    set grid ytics lc rgb '#dddddd'
    set boxwidth 0.6
    set style fill solid 0.85 noborder
    set border 3
    set key off
    set bmargin 4
    plot 'peak-rss-mib.tsv' skip 1 using 1:2 with boxes lc rgb '#CC79A7', \
         'peak-rss-mib.tsv' skip 1 using 1:2:(sprintf('%.4g', $2)) with labels offset 0, 0.8
    unset output
}
