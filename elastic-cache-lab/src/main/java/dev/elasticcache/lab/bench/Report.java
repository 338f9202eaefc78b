package dev.elasticcache.lab.bench;

import dev.elasticcache.engine.ModelInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Collects the benchmark's rows and writes results.md, results.csv, gamma.csv, speedup.png and gamma.png. */
final class Report {
    private final ModelInfo model;
    private final CostModel cost;
    private final Map<Integer, Map<String, RowResult>> byLength = new TreeMap<>();
    final Map<Double, RowResult> sweep = new LinkedHashMap<>();
    RowResult sweepBaseline;
    double matmulPeakGflops;
    double firstTokenSeconds;

    Report(ModelInfo model, CostModel cost) {
        this.model = model;
        this.cost = cost;
    }

    void add(Variant variant, RowResult row) {
        byLength.computeIfAbsent(row.genLength(), k -> new LinkedHashMap<>()).put(variant.label(), row);
    }

    /** Median achieved transformer GFLOP/s over the row's prompts. */
    double achievedGflops(RowResult row) {
        return row.median(m -> cost.flops(m.layerRows(), m.sequenceLength()) / m.seconds() / 1e9);
    }

    void write(Path out, String arguments) throws IOException {
        StringBuilder md = new StringBuilder();
        StringBuilder csv = new StringBuilder(
                "gen_length,strategy,prompts,accuracy_pct,median_tokens_per_s,speedup_vs_llada,median_wall_speedup,median_nfe,recompute_fraction,median_layer_rows,achieved_gflops,pct_of_matmul_peak\n");
        md.append(String.format(Locale.ROOT, "Model `%s` (%,d parameters, %s), %d cores; load %.2f s; first streamed text %.3f s;"
                        + " fp32 matmul peak %.1f GFLOP/s.%n%n", model.name(), model.parameters(), model.device(),
                Runtime.getRuntime().availableProcessors(), model.loadTime().toMillis() / 1e3, firstTokenSeconds, matmulPeakGflops));
        md.append("Produced by `./mvnw -q -pl elastic-cache-lab exec:java -Dexec.mainClass=dev.elasticcache.lab.bench.BenchmarkMain");
        md.append(arguments.isBlank() ? "`" : " -Dexec.args=\"" + arguments + "\"`").append(".\n\n");
        md.append("| gen length | strategy | prompts | accuracy | tokens/s (median) | speed-up vs llada (tok/s) | speed-up vs llada (wall, per prompt) | NFE (median) | layers recomputed | GFLOP/s | % of peak |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> series = new ArrayList<>();
        List<String> categories = new ArrayList<>();
        for (var entry : byLength.entrySet()) {
            categories.add(entry.getKey() + " tokens");
            RowResult base = entry.getValue().get("llada");
            for (RowResult r : entry.getValue().values()) {
                if (!series.contains(r.variant())) {
                    series.add(r.variant());
                }
                double speedup = r.medianTokensPerSecond() / base.medianTokensPerSecond();
                double gflops = achievedGflops(r);
                md.append(String.format(Locale.ROOT, "| %d | %s | %d | %.1f%% | %.1f | %.1fx | %.1fx | %.0f | %.3f | %.1f | %.1f%% |%n",
                        r.genLength(), r.variant(), r.measurements().size(), r.accuracy(), r.medianTokensPerSecond(),
                        speedup, r.medianSpeedupOver(base), r.medianNfe(), r.meanRecomputeFraction(), gflops,
                        100 * gflops / matmulPeakGflops));
                csv.append(String.format(Locale.ROOT, "%d,%s,%d,%.2f,%.3f,%.3f,%.3f,%.1f,%.4f,%.0f,%.3f,%.2f%n", r.genLength(),
                        r.variant(), r.measurements().size(), r.accuracy(), r.medianTokensPerSecond(), speedup,
                        r.medianSpeedupOver(base), r.medianNfe(), r.meanRecomputeFraction(), r.medianLayerRows(), gflops,
                        100 * gflops / matmulPeakGflops));
            }
        }
        md.append("\nSpeed-up (tok/s) is the ratio of median tokens per second (answer tokens up to, excluding, EOS) to the"
                + " `llada` row of the same length; speed-up (wall) is the median over prompts of the llada decoding time"
                + " divided by the strategy's, both measured in the same run. GFLOP/s counts the transformer work the run did"
                + " (projections, MLP, attention over all keys) per second of decoding.\n\n![speed-up](speedup.png)\n\n");

        StringBuilder gammaCsv = new StringBuilder("gamma,gen_length,prompts,accuracy_pct,median_tokens_per_s,speedup_vs_llada,recompute_fraction,median_nfe\n");
        if (sweepBaseline != null) {
            md.append(String.format(Locale.ROOT, "Gamma sweep (elastic, window 16, %d tokens, %d prompts; llada accuracy %.1f%%, %.1f tok/s):%n%n",
                    sweepBaseline.genLength(), sweepBaseline.measurements().size(), sweepBaseline.accuracy(),
                    sweepBaseline.medianTokensPerSecond()));
            md.append("| gamma | accuracy | tokens/s (median) | speed-up vs llada | layers recomputed | NFE (median) |\n|---|---|---|---|---|---|\n");
            double[] xs = new double[sweep.size()];
            double[] ys = new double[sweep.size()];
            List<String> labels = new ArrayList<>();
            int i = 0;
            for (var e : sweep.entrySet()) {
                RowResult r = e.getValue();
                double speedup = r.medianTokensPerSecond() / sweepBaseline.medianTokensPerSecond();
                md.append(String.format(Locale.ROOT, "| %.2f | %.1f%% | %.1f | %.1fx | %.3f | %.0f |%n", e.getKey(), r.accuracy(),
                        r.medianTokensPerSecond(), speedup, r.meanRecomputeFraction(), r.medianNfe()));
                gammaCsv.append(String.format(Locale.ROOT, "%.3f,%d,%d,%.2f,%.3f,%.3f,%.4f,%.1f%n", e.getKey(), r.genLength(),
                        r.measurements().size(), r.accuracy(), r.medianTokensPerSecond(), speedup, r.meanRecomputeFraction(), r.medianNfe()));
                xs[i] = speedup;
                ys[i] = r.accuracy();
                labels.add(String.format(Locale.ROOT, "g=%.2f", e.getKey()));
                i++;
            }
            md.append("\n![accuracy vs speed-up over gamma](gamma.png)\n");
            Charts.labelledLine(out.resolve("gamma.png"), "Elastic-Cache: accuracy vs speed-up over gamma ("
                            + sweepBaseline.genLength() + " tokens)", "speed-up vs llada", "exact match", xs, ys, labels,
                    sweepBaseline.accuracy(), "llada");
        }
        double[][] values = new double[series.size()][categories.size()];
        int c = 0;
        for (var entry : byLength.entrySet()) {
            RowResult base = entry.getValue().get("llada");
            for (int s = 0; s < series.size(); s++) {
                RowResult r = entry.getValue().get(series.get(s));
                values[s][c] = r == null ? Double.NaN : r.medianSpeedupOver(base);
            }
            c++;
        }
        Charts.groupedBars(out.resolve("speedup.png"), "Speed-up over LLaDA (median per-prompt decoding time), " + model.name(),
                "speed-up (log scale)", categories, series, values);
        Files.writeString(out.resolve("results.md"), md.toString());
        Files.writeString(out.resolve("results.csv"), csv.toString());
        Files.writeString(out.resolve("gamma.csv"), gammaCsv.toString());
    }
}
