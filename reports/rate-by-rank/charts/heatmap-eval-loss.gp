# eval_loss of rate-by-rank by learningRate and rank (mean over seeds), lower is better
# Written by `qlab report` from the lineage store. Data: heatmap-eval-loss.tsv.
# Re-render both images (after restyling, say) with: gnuplot heatmap-eval-loss.gp
set datafile separator "\t"
do for [format in "svg png"] {
    if (format eq "svg") {
        set terminal svg size 834,420 dynamic noenhanced font "Sans,13" background rgb "white"
    } else {
        set terminal pngcairo size 834,420 noenhanced font "Sans,11" background rgb "white"
    }
    set output "heatmap-eval-loss." . format
    set title "eval_loss of rate-by-rank by learningRate and rank (mean over seeds), lower\nis better"
    set xlabel 'optimizer.learningRate'
    set ylabel 'lora.rank'
    set cblabel 'eval_loss (nats per token)'
    set xrange [-0.5:4.5]
    set yrange [-0.5:1.5]
    set xtics ("0.0002" 0, "0.0005" 1, "0.001" 2, "0.002" 3, "0.005" 4) scale 0
    set ytics ("8" 0, "64" 1) scale 0
    unset cbrange
    set palette defined (0 '#0868ac', 0.5 '#7bccc4', 1 '#f7fcf0')
    set style textbox opaque fillcolor rgb 'white' noborder margins 2, 1
    set key off
    set rmargin 14
    set tics out
    plot 'heatmap-eval-loss.tsv' skip 1 using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder fillcolor palette, \
         'heatmap-eval-loss.tsv' skip 1 using 1:2:(sprintf('%.4g', $3)) with labels boxed font ',13'
    unset output
}
