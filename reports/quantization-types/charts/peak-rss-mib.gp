# Peak memory (resident set) per cell of quantization-types
# Written by `qlab report` from the lineage store. Data: peak-rss-mib.tsv.
# Re-render both images (after restyling, say) with: gnuplot peak-rss-mib.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,774 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,774 noenhanced font "Sans,11" background rgb "white"
    }
    set output "peak-rss-mib." . format
    set title "Peak memory (resident set) per cell of quantization-types"
    set ylabel 'peak_rss_mib (MiB)'
    set xrange [-0.6:20.6]
    set yrange [0:*]
    set offsets 0, 0, graph 0.12, 0
    set xtics ("quantization=nf4 doubleQuant=false seed=0" 0, "quantization=nf4 doubleQuant=false seed=1" 1, "quantization=nf4 doubleQuant=false seed=2" 2, "quantization=nf4 doubleQuant=true seed=0" 3, "quantization=nf4 doubleQuant=true seed=1" 4, "quantization=nf4 doubleQuant=true seed=2" 5, "quantization=fp4 doubleQuant=false seed=0" 6, "quantization=fp4 doubleQuant=false seed=1" 7, "quantization=fp4 doubleQuant=false seed=2" 8, "quantization=fp4 doubleQuant=true seed=0" 9, "quantization=fp4 doubleQuant=true seed=1" 10, "quantization=fp4 doubleQuant=true seed=2" 11, "quantization=int4 doubleQuant=false seed=0" 12, "quantization=int4 doubleQuant=false seed=1" 13, "quantization=int4 doubleQuant=false seed=2" 14, "quantization=int4 doubleQuant=true seed=0" 15, "quantization=int4 doubleQuant=true seed=1" 16, "quantization=int4 doubleQuant=true seed=2" 17, "quantization=none doubleQuant=false seed=0" 18, "quantization=none doubleQuant=false seed=1" 19, "quantization=none doubleQuant=false seed=2" 20) rotate by 90 right nomirror scale 0
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
