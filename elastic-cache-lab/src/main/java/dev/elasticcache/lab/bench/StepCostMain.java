package dev.elasticcache.lab.bench;

import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.decode.DecodeCancelledException;
import dev.elasticcache.decode.DecodeRun;
import dev.elasticcache.decode.Decoder;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.ReferenceDecoders;
import dev.elasticcache.decode.StepRecord;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.lab.Args;
import dev.elasticcache.model.IntraOpThreads;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.LladaTensorLayout;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Per-step cost of every strategy on a mid-size random LLaDA checkpoint (issue 16), before and after in one run.
 *
 * <p>Writes the checkpoint (d_model 256, 4 heads, 6 layers, MLP 704, vocab 4096, BF16 in two shards by
 * default), then decodes a fixed prompt with each strategy in three variants, interleaved repetition by
 * repetition so machine noise hits all alike:
 *
 * <ul>
 *   <li>{@code before}: {@link ReferenceDecoders}, the implementation as it was, at the configured intra-op threads;
 *   <li>{@code before-1t}: the same on one intra-op thread (separates the threading cut from the op cuts);
 *   <li>{@code after}: {@link Decoder#of}, with its per-layer thread rule ({@link IntraOpThreads}), at the configured
 *       threads;
 *   <li>{@code after-1t}: the same on one intra-op thread ({@code -Dai.djl.pytorch.num_threads=1}, advised on a
 *       shared host).
 * </ul>
 * Further variants for experiments: {@code after-64m} and {@code after-1g} (the thread rule at 64 MFLOP and 1
 * GFLOP), {@code after-mt} (rule off).
 *
 * <p>Every step is timed from the decode listener, and its matmul FLOPs are counted from its trace record
 * ({@link CostModel#stepFlops}: the rows each layer really computed, the drift test, the head). The fp32 matmul
 * peak is probed (1024^3 GEMM, median of 7) before each repetition at the configured threads and on one thread;
 * the best probe of the run is the peak (load only pushes a probe down).
 * Reported per strategy and variant: median ms per step (steps after step 0), mean GFLOP per step, achieved
 * GFLOP/s and % of the peak over those steps, and the floor ratio (time / (FLOPs / peak)) of the median step and
 * of all steps. Each variant's trace is compared with the first variant's, step by step (window, query rows,
 * start_reset, tracked tokens, decoded positions and tokens). Random weights decode one token per step, so every
 * strategy runs about gen-length steps; {@code --steps} stops the full-forward strategies early (their steps all
 * cost the same).
 */
public final class StepCostMain {
    private static final Set<String> FLAGS = Set.of("d-model", "heads", "layers", "mlp", "vocab", "prompt", "gen",
            "window", "threshold", "gamma", "strategies", "variants", "reps", "steps", "out", "seed");

    private StepCostMain() {}

    /**
     * A decoder implementation, the intra-op threads it starts on (0 = the configured count) and the small-layer
     * rule's threshold ({@link IntraOpThreads#smallLayerFlops}; NaN = the default or the system property).
     */
    private record Variant(String label, boolean reference, int threads, double smallLayerFlops) {}

    private static final Map<String, Variant> VARIANTS = Map.of(
            "before", new Variant("before", true, 0, Double.NaN),
            "before-1t", new Variant("before-1t", true, 1, Double.NaN),
            "after", new Variant("after", false, 0, Double.NaN),
            "after-1t", new Variant("after-1t", false, 1, Double.NaN),
            "after-64m", new Variant("after-64m", false, 0, 64e6),
            "after-1g", new Variant("after-1g", false, 0, 1e9),
            "after-mt", new Variant("after-mt", false, 0, 0));

    /** The timed steps of one run. */
    private record Run(List<StepRecord> records, double[] millis, double[] flops) {}

    public static void main(String[] argv) throws IOException {
        DjlDefaults.apply();
        Args args = Args.parse(argv, FLAGS);
        LladaConfig config = RandomCheckpoint.tinyConfig().dModel(args.getInt("d-model", 256)).nHeads(args.getInt("heads", 4))
                .nLayers(args.getInt("layers", 6)).mlpHiddenSize(args.getInt("mlp", 704)).vocabSize(args.getInt("vocab", 4096))
                .maxSequenceLength(2048).build();
        int promptLength = args.getInt("prompt", 48);
        int gen = args.getInt("gen", 256);
        int reps = args.getInt("reps", 2);
        int stepCap = args.getInt("steps", 48);
        List<Strategy> strategies = Arrays.stream(args.get("strategies", "elastic,fast-dllm-dual,fast-dllm-prefix,fast-dllm,llada")
                .split(",")).map(Strategy::parse).toList();
        List<Variant> variants = Arrays.stream(args.get("variants", "before,before-1t,after,after-1t").split(",")).map(v -> {
            Variant found = VARIANTS.get(v.trim());
            if (found == null) {
                throw new IllegalArgumentException("unknown variant '" + v + "'; known: " + VARIANTS.keySet());
            }
            return found;
        }).toList();
        Path out = Path.of(args.get("out", "docs/benchmark"));
        Files.createDirectories(out);
        Path folder = Files.createTempDirectory("step-cost");
        RandomCheckpoint.write(folder, config, args.getLong("seed", 1), DType.BF16, 2);
        int[] prompt = new int[promptLength];
        for (int i = 0; i < promptLength; i++) {
            prompt[i] = (i * 7) % 250;
        }
        CostModel cost = new CostModel(config);
        int n = promptLength + gen;

        try (LladaModel model = LladaModel.load(folder)) {
            int configured = IntraOpThreads.get();
            System.out.printf(Locale.ROOT, "model d%d H%d L%d MLP %d vocab %d (%,d parameters), prompt %d, gen %d, "
                    + "intra-op threads %d, small-layer rule < %.0f MFLOP, %s%n", config.dModel(), config.nHeads(),
                    config.nLayers(), config.mlpHiddenSize(), config.vocabSize(), LladaTensorLayout.parameterCount(config),
                    promptLength, gen, configured, IntraOpThreads.smallLayerFlops() / 1e6, load());
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            List<Double> peaks = new ArrayList<>();
            List<Double> singlePeaks = new ArrayList<>();
            List<String> loads = new ArrayList<>();
            for (Strategy s : strategies) {
                // Warm-up: JIT and libtorch allocators, every variant once on a short run.
                for (Variant v : variants) {
                    decode(model, cost, prompt, options(s, 32, args), v, 4, configured);
                }
            }
            for (int r = 0; r < reps; r++) {
                peaks.add(CostModel.measureMatmulPeakGflops(model.manager()));
                IntraOpThreads.set(1);
                singlePeaks.add(CostModel.measureMatmulPeakGflops(model.manager()));
                IntraOpThreads.set(configured);
                loads.add(load());
                System.out.printf(Locale.ROOT, "repetition %d: matmul peak %.1f GFLOP/s (%d threads), %.1f (1 thread), %s%n",
                        r + 1, peaks.get(r), configured, singlePeaks.get(r), loads.get(r));
                for (Strategy s : strategies) {
                    DecodingOptions o = options(s, gen, args);
                    int cap = fullForward(s) ? stepCap : Integer.MAX_VALUE;
                    for (Variant v : variants) {
                        Run run = decode(model, cost, prompt, o, v, cap, configured);
                        runs.computeIfAbsent(key(s, v), k -> new ArrayList<>()).add(run);
                        System.out.printf(Locale.ROOT, "  %-16s %-9s %3d steps, median %.2f ms/step%n", s.id(), v.label(),
                                run.millis.length, median(Arrays.copyOfRange(run.millis, 1, run.millis.length)));
                    }
                }
            }
            loads.add(load());
            // The peak is the best probe: load only ever pushes a probe down.
            double peak = peaks.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            double singlePeak = singlePeaks.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            String table = table(strategies, variants, runs, peak, singlePeak);
            StringBuilder md = new StringBuilder();
            md.append("# Per-step cost (issue 16)\n\n");
            String threadsProperty = System.getProperty("ai.djl.pytorch.num_threads");
            md.append("Command (from the repository root):\n\n```\n./mvnw -o -q -B -pl elastic-cache-core,elastic-cache-lab -am compile\n"
                    + "./mvnw -o -q -B -pl elastic-cache-lab dependency:build-classpath -Dmdep.outputFile=/tmp/step.cp\n"
                    + "java " + (threadsProperty == null ? "" : "-Dai.djl.pytorch.num_threads=" + threadsProperty + " ")
                    + "-cp elastic-cache-core/target/classes:elastic-cache-lab/target/classes:$(cat /tmp/step.cp) \\\n"
                    + "  dev.elasticcache.lab.bench.StepCostMain " + String.join(" ", argv) + "\n```\n\n");
            md.append(String.format(Locale.ROOT, "Random LLaDA checkpoint d%d / %d heads / %d layers / MLP %d / vocab %d (%,d parameters, "
                    + "BF16, 2 shards), prompt %d + gen %d = %d positions, window %d, threshold %s, gamma %s; random weights decode "
                    + "one token per step. %d repetitions, strategies and variants interleaved; full-forward strategies stop after "
                    + "%d steps. Intra-op threads configured: %d.%n%n", config.dModel(), config.nHeads(), config.nLayers(),
                    config.mlpHiddenSize(), config.vocabSize(), LladaTensorLayout.parameterCount(config), promptLength, gen, n,
                    args.getInt("window", 16), args.get("threshold", "0.9"), args.get("gamma", "0.9"), reps, stepCap, configured));
            md.append(String.format(Locale.ROOT, "fp32 matmul peak (1024^3 GEMM, median of 7 per probe, best probe of the run): "
                    + "%.1f GFLOP/s on %d threads (probes %s), %.1f GFLOP/s on one thread (probes %s).%n%n", peak, configured,
                    list(peaks), singlePeak, list(singlePeaks)));
            md.append("Machine load during the run (loadavg 1/5/15 min, per repetition and at the end): ").append(String.join("; ", loads))
                    .append("\n\n");
            md.append(table);
            md.append("\nColumns: ms/step is the median over all timed steps after step 0 (a full forward in every strategy); "
                    + "GFLOP/step the mean of the matmul FLOPs the steps really did (rows per layer from the trace, attention over "
                    + "all keys, drift test, head); GFLOP/s and % of peak over those steps; x floor = time / (FLOPs / peak), of the "
                    + "median step and of all steps, against the multi-thread peak and (last column) the one-thread peak. "
                    + "\"same\" compares each variant's trace with the first variant's, step by step.\n");
            Files.writeString(out.resolve("step-cost.md"), md.toString());
            System.out.println();
            System.out.println(md);
        }
    }

    private static DecodingOptions options(Strategy s, int gen, Args args) {
        return DecodingOptions.builder().strategy(s).genLength(gen).blockLength(32).windowLength(args.getInt("window", 16))
                .threshold(args.getDouble("threshold", 0.9)).gamma(args.getDouble("gamma", 0.9)).build();
    }

    private static boolean fullForward(Strategy s) {
        return s == Strategy.LLADA || s == Strategy.FAST_DLLM;
    }

    private static String key(Strategy s, Variant v) {
        return s.id() + "/" + v.label();
    }

    /** Decodes once with the variant, stopping after {@code cap} steps, and times and costs every step. */
    private static Run decode(LladaModel model, CostModel cost, int[] prompt, DecodingOptions o, Variant v, int cap,
            int configured) {
        List<Long> stamps = new ArrayList<>();
        List<StepRecord> records = new ArrayList<>();
        Decoder decoder = v.reference() ? ReferenceDecoders.of(o.strategy()) : Decoder.of(o.strategy());
        IntraOpThreads.set(v.threads() == 0 ? configured : v.threads());
        double rule = IntraOpThreads.smallLayerFlops();
        if (!Double.isNaN(v.smallLayerFlops())) {
            IntraOpThreads.setSmallLayerFlops(v.smallLayerFlops());
        }
        try {
            stamps.add(System.nanoTime());
            DecodeRun run = new DecodeRun(model, prompt, o, (step, seq) -> {
                stamps.add(System.nanoTime());
                records.add(step);
            }, () -> records.size() >= cap, false);
            decoder.decode(run);
        } catch (DecodeCancelledException stopped) {
            // stopped after `cap` steps
        } finally {
            IntraOpThreads.set(configured);
            IntraOpThreads.setSmallLayerFlops(rule);
        }
        int n = prompt.length + o.genLength();
        double[] millis = new double[records.size()];
        double[] flops = new double[records.size()];
        for (int i = 0; i < records.size(); i++) {
            millis[i] = (stamps.get(i + 1) - stamps.get(i)) / 1e6;
            flops[i] = cost.stepFlops(records.get(i), i == 0 ? 0 : records.get(i - 1).track().length, n);
        }
        return new Run(records, millis, flops);
    }

    private static String table(List<Strategy> strategies, List<Variant> variants, Map<String, List<Run>> runs, double peak,
            double singlePeak) {
        StringBuilder t = new StringBuilder("| strategy | variant | steps timed | ms/step (median) | speed-up vs before | GFLOP/step | "
                + "GFLOP/s | % of peak | x floor (median step) | x floor (all steps) | x 1-thread floor (median step) | same as "
                + variants.get(0).label() + " |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Strategy s : strategies) {
            double before = Double.NaN;
            List<Run> first = runs.get(key(s, variants.get(0)));
            for (Variant v : variants) {
                List<Run> rs = runs.get(key(s, v));
                List<Double> ms = new ArrayList<>();
                List<Double> ratio = new ArrayList<>();
                List<Double> singleRatio = new ArrayList<>();
                double time = 0;
                double flops = 0;
                int steps = 0;
                boolean same = true;
                for (int r = 0; r < rs.size(); r++) {
                    Run run = rs.get(r);
                    same &= sameDecisions(first.get(r).records, run.records);
                    for (int i = 1; i < run.millis.length; i++) {
                        ms.add(run.millis[i]);
                        ratio.add(run.millis[i] / (run.flops[i] / (peak * 1e9) * 1e3));
                        singleRatio.add(run.millis[i] / (run.flops[i] / (singlePeak * 1e9) * 1e3));
                        time += run.millis[i] / 1e3;
                        flops += run.flops[i];
                        steps++;
                    }
                }
                double median = median(ms.stream().mapToDouble(Double::doubleValue).toArray());
                if (v == variants.get(0)) {
                    before = median;
                }
                double rate = flops / time / 1e9;
                t.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.2fx | %.3f | %.1f | %.1f%% | %.1fx | %.1fx | %.1fx | %s |%n",
                        s.id(), v.label(), steps, median, before / median, flops / steps / 1e9, rate, 100 * rate / peak,
                        median(ratio.stream().mapToDouble(Double::doubleValue).toArray()), peak / rate,
                        median(singleRatio.stream().mapToDouble(Double::doubleValue).toArray()), same ? "yes" : "NO"));
            }
        }
        return t.toString();
    }

    /** Same window, query rows, start_reset, tracked tokens and decoded tokens in every step both runs did. */
    static boolean sameDecisions(List<StepRecord> a, List<StepRecord> b) {
        int steps = Math.min(a.size(), b.size());
        for (int i = 0; i < steps; i++) {
            StepRecord x = a.get(i);
            StepRecord y = b.get(i);
            if (!Arrays.equals(x.window(), y.window()) || !Arrays.equals(x.queryRows(), y.queryRows())
                    || x.startReset() != y.startReset() || !Arrays.equals(x.track(), y.track())
                    || !Arrays.equals(x.decodedPositions(), y.decodedPositions())
                    || !Arrays.equals(x.decodedTokens(), y.decodedTokens())) {
                return false;
            }
        }
        return a.size() == b.size();
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String list(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).reduce((a, b) -> a + ", " + b).orElse("");
    }

    /** The 1/5/15-minute load averages (from /proc/loadavg where readable) and the core count. */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load " + f[0] + " / " + f[1] + " / " + f[2] + " on " + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "load %.2f on %d cores", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors());
        }
    }
}
