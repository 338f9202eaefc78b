package dev.elasticcache.lab.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Redraws the benchmark's charts from its CSV files (results.csv, gamma.csv) without decoding again:
 * speed-up by length and strategy (median per-prompt decoding-time ratio) and accuracy against speed-up over
 * gamma.
 */
public final class RedrawMain {
    private RedrawMain() {}

    public static void main(String[] argv) throws Exception {
        Path dir = Path.of(argv.length > 0 ? argv[0] : "docs/benchmark");
        List<String[]> rows = csv(dir.resolve("results.csv"));
        Map<String, Map<String, Double>> bySeries = new LinkedHashMap<>();
        List<String> lengths = new ArrayList<>();
        for (String[] r : rows) {
            String length = r[0] + " tokens";
            if (!lengths.contains(length)) {
                lengths.add(length);
            }
            bySeries.computeIfAbsent(r[1], k -> new LinkedHashMap<>()).put(length, Double.parseDouble(r[6]));
        }
        List<String> series = new ArrayList<>(bySeries.keySet());
        double[][] values = new double[series.size()][lengths.size()];
        for (int s = 0; s < series.size(); s++) {
            for (int c = 0; c < lengths.size(); c++) {
                values[s][c] = bySeries.get(series.get(s)).getOrDefault(lengths.get(c), Double.NaN);
            }
        }
        Charts.groupedBars(dir.resolve("speedup.png"), "Speed-up over LLaDA (median per-prompt decoding time)",
                "speed-up (log scale)", lengths, series, values);
        List<String[]> gamma = csv(dir.resolve("gamma.csv"));
        double[] xs = new double[gamma.size()];
        double[] ys = new double[gamma.size()];
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < gamma.size(); i++) {
            xs[i] = Double.parseDouble(gamma.get(i)[5]);
            ys[i] = Double.parseDouble(gamma.get(i)[3]);
            labels.add(String.format(Locale.ROOT, "g=%.2f", Double.parseDouble(gamma.get(i)[0])));
        }
        double baselineAccuracy = rows.stream().filter(r -> r[1].equals("llada") && r[0].equals(gamma.get(0)[1]))
                .mapToDouble(r -> Double.parseDouble(r[3])).findFirst().orElse(Double.NaN);
        Charts.labelledLine(dir.resolve("gamma.png"), "Elastic-Cache: accuracy vs speed-up over gamma ("
                + gamma.get(0)[1] + " tokens)", "speed-up vs llada (tokens/s)", "exact match", xs, ys, labels,
                baselineAccuracy, "llada");
        System.out.println("charts redrawn in " + dir);
    }

    private static List<String[]> csv(Path file) throws java.io.IOException {
        List<String> lines = Files.readAllLines(file);
        List<String[]> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                out.add(line.split(","));
            }
        }
        return out;
    }
}
