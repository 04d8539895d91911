# Held-out perplexity of quantization-types-long by quantization (mean ± 95% interval over 3 seeds)
# Written by `qlab report` from the lineage store. Data: quantization-perplexity.tsv.
# Re-render both images (after restyling, say) with: gnuplot quantization-perplexity.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 960,582 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 960,582 noenhanced font "Sans,11" background rgb "white"
    }
    set output "quantization-perplexity." . format
    set title "Held-out perplexity of quantization-types-long by quantization (mean ± 95% interval over\n3 seeds)"
    set xlabel 'model.quantization'
    set ylabel 'eval_perplexity'
    set xrange [-0.5:2.5]
    set xtics ("nf4" 0, "fp4" 1, "int4" 2) nomirror
    set ytics nomirror
    set grid ytics lc rgb '#dddddd'
    set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
    set bmargin 7
    set border 3
    set offsets 0, 0, graph 0.08, graph 0.08
    plot 'quantization-perplexity.tsv' index 0 skip 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 1.2 lc rgb '#0072B2' title 'eval_perplexity'
    unset output
}
