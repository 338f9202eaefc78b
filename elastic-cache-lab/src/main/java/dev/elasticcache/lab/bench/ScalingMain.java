package dev.elasticcache.lab.bench;

import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.decode.DecodeCancelledException;
import dev.elasticcache.decode.DecodeRun;
import dev.elasticcache.decode.Decoder;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.lab.Args;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.LladaTensorLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How each strategy's step cost grows with generation length and model size, on random LLaDA-shaped models
 * (no quality claim: random weights decode one token per step, so every strategy runs the same number of
 * steps and the ratio of step costs is the caching gain alone). Each run stops after a fixed number of steps;
 * the table reports the median step time after step 0, the rows computed per layer and step, and the
 * projected time of a one-token-per-step generation.
 */
public final class ScalingMain {
    private ScalingMain() {}

    public static void main(String[] argv) throws Exception {
        DjlDefaults.apply();
        Args args = Args.parse(argv, Set.of("sizes", "lengths", "steps", "prompt", "out"));
        String[] sizes = args.get("sizes", "128x4,256x4,256x8,512x8").split(",");
        int[] lengths = Arrays.stream(args.get("lengths", "128,256,512").split(",")).mapToInt(Integer::parseInt).toArray();
        int steps = args.getInt("steps", 16);
        int promptLength = args.getInt("prompt", 64);
        Path out = Path.of(args.get("out", "docs/benchmark"));
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder("| model | parameters | gen length | strategy | ms/step (median) | rows/layer/step | step 0 ms | projected s/generation | speed-up vs llada | GFLOP/s |\n|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder csv = new StringBuilder("d_model,layers,parameters,gen_length,strategy,ms_per_step,rows_per_layer_step,step0_ms,projected_s,speedup,gflops\n");
        double peak;
        for (String size : sizes) {
            int d = Integer.parseInt(size.split("x")[0]);
            int layers = Integer.parseInt(size.split("x")[1]);
            LladaConfig config = RandomCheckpoint.tinyConfig().dModel(d).nHeads(Math.max(1, d / 64)).nLayers(layers)
                    .mlpHiddenSize(3 * d).maxSequenceLength(2048).build();
            Path folder = Files.createTempDirectory("scaling-" + size);
            RandomCheckpoint.write(folder, config, 1, DType.F32, 1);
            CostModel cost = new CostModel(config);
            try (LladaModel model = LladaModel.load(folder)) {
                peak = CostModel.measureMatmulPeakGflops(model.manager());
                int[] prompt = new int[promptLength];
                for (int i = 0; i < promptLength; i++) {
                    prompt[i] = (i * 7) % 250;
                }
                for (int g : lengths) {
                    double baseline = Double.NaN;
                    for (Strategy s : List.of(Strategy.LLADA, Strategy.FAST_DLLM_DUAL, Strategy.ELASTIC)) {
                        DecodingOptions o = DecodingOptions.builder().strategy(s).genLength(g).blockLength(32)
                                .threshold(0.9).build();
                        run(model, prompt, o, 2); // warm-up
                        StepTimes t = run(model, prompt, o, steps);
                        double projected = (t.step0Millis + (g - 1) * t.medianMillis) / 1e3;
                        if (s == Strategy.LLADA) {
                            baseline = projected;
                        }
                        double gflops = cost.flopsPerLayerRow(prompt.length + g) * t.rowsPerLayerStep * layers
                                / (t.medianMillis / 1e3) / 1e9;
                        String row = String.format(Locale.ROOT, "| d%d x L%d | %,d | %d | %s | %.2f | %.0f | %.1f | %.2f | %.1fx | %.1f |%n",
                                d, layers, LladaTensorLayout.parameterCount(config), g, s.id(), t.medianMillis,
                                t.rowsPerLayerStep, t.step0Millis, projected, baseline / projected, gflops);
                        md.append(row);
                        System.out.print(row);
                        csv.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%s,%.4f,%.1f,%.3f,%.4f,%.3f,%.2f%n", d, layers,
                                LladaTensorLayout.parameterCount(config), g, s.id(), t.medianMillis, t.rowsPerLayerStep,
                                t.step0Millis, projected, baseline / projected, gflops));
                    }
                }
                md.append(String.format(Locale.ROOT, "%n(d%d x L%d: fp32 matmul peak %.1f GFLOP/s)%n%n", d, layers, peak));
            }
        }
        Files.writeString(out.resolve("scaling.md"), md.toString());
        Files.writeString(out.resolve("scaling.csv"), csv.toString());
        System.out.println(md);
    }

    /** Step timings of one run stopped after {@code steps} steps. */
    private record StepTimes(double step0Millis, double medianMillis, double rowsPerLayerStep) {}

    private static StepTimes run(LladaModel model, int[] prompt, DecodingOptions options, int steps) {
        List<Long> stamps = new ArrayList<>();
        stamps.add(System.nanoTime());
        DecodeRun run = new DecodeRun(model, prompt, options, (step, seq) -> stamps.add(System.nanoTime()),
                () -> stamps.size() > steps, false);
        try {
            Decoder.of(options.strategy()).decode(run);
        } catch (DecodeCancelledException expected) {
            // stopped after the requested number of steps
        }
        double[] later = new double[stamps.size() - 2];
        for (int i = 2; i < stamps.size(); i++) {
            later[i - 2] = (stamps.get(i) - stamps.get(i - 1)) / 1e6;
        }
        Arrays.sort(later);
        double median = later.length == 0 ? Double.NaN : later[later.length / 2];
        // Every strategy's step 0 is a full forward over all N rows; the rest is what caching saved.
        var stats = run.finish().stats();
        int layers = model.config().nLayers();
        long laterRows = stats.layerRows() - (long) run.length() * layers;
        return new StepTimes((stamps.get(1) - stamps.get(0)) / 1e6, median,
                (double) laterRows / Math.max(1, stats.nfe() - 1) / layers);
    }
}
