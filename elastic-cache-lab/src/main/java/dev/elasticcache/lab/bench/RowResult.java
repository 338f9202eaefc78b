package dev.elasticcache.lab.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Aggregate of one variant at one generation length.
 *
 * @param variant the row's label
 * @param genLength generation length
 * @param measurements per-prompt results, in prompt order
 */
record RowResult(String variant, int genLength, List<Measurement> measurements) {

    double accuracy() {
        return 100.0 * measurements.stream().filter(Measurement::correct).count() / measurements.size();
    }

    double medianTokensPerSecond() {
        return median(Measurement::tokensPerSecond);
    }

    double medianNfe() {
        return median(m -> m.nfe());
    }

    double medianSeconds() {
        return median(Measurement::seconds);
    }

    double meanRecomputeFraction() {
        return measurements.stream().mapToDouble(Measurement::recomputeFraction).average().orElse(0);
    }

    double medianLayerRows() {
        return median(m -> m.layerRows());
    }

    double median(ToDoubleFunction<Measurement> f) {
        double[] v = measurements.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Per-prompt speed-up against the baseline's same prompts (time ratio), medianed. */
    double medianSpeedupOver(RowResult baseline) {
        double[] ratios = new double[measurements.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = baseline.measurements.get(i).seconds() / measurements.get(i).seconds();
        }
        Arrays.sort(ratios);
        return ratios.length % 2 == 1 ? ratios[ratios.length / 2]
                : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
    }
}
