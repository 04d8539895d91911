# Tournament chinese: bradley-terry ratings, best first
# Written by `qlab report` from the lineage store. Data: elo-chinese-bradley-terry.tsv.
# Re-render both images (after restyling, say) with: gnuplot elo-chinese-bradley-terry.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,640 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,640 noenhanced font "Sans,11" background rgb "white"
    }
    set output "elo-chinese-bradley-terry." . format
    set title "Tournament chinese: bradley-terry ratings, best first"
    set xlabel 'Elo rating (bars: interval)'
    set yrange [-0.6:9.6]
    set ytics ('learningRate=0.001 seed=1' 9, 'learningRate=0.0001 seed=0' 8, 'learningRate=0.0003 seed=2' 7, 'learningRate=0.001 seed=0' 6, 'learningRate=0.0003 seed=0' 5, 'learningRate=0.0001 seed=2' 4, 'learningRate=0.001 seed=2' 3, 'learningRate=0.0001 seed=1' 2, 'learningRate=0.0003 seed=1' 1, 'base (no adapter)' 0) nomirror scale 0
    set xtics nomirror
    set grid xtics lc rgb '#dddddd'
    set offsets graph 0.05, graph 0.05, 0, 0
    set border 3
    set key off
    plot 'elo-chinese-bradley-terry.tsv' skip 1 using 2:1:3:4 with xerrorbars pt 7 ps 1.4 lw 2 lc rgb '#0072B2', \
         'elo-chinese-bradley-terry.tsv' skip 1 using 2:1:(sprintf('%.0f', $2)) with labels offset 0, 1
    unset output
}
