package dev.elasticcache.lab.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.decode.DecodeCancelledException;
import dev.elasticcache.decode.DecodeRun;
import dev.elasticcache.decode.Decoder;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.StepRecord;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationHandle;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.lab.Args;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.weights.MemoryBudget;
import dev.elasticcache.model.weights.WeightDtype;
import dev.elasticcache.model.weights.WeightFootprint;
import dev.elasticcache.tokenizer.ChatMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The real-size benchmark: one model folder (a real checkpoint, or one written by
 * {@code RealShapeCheckpointMain}), loaded as a user loads it, then per strategy the time of each decoding step
 * next to its roofline on this machine, and optionally the aggregate tokens/s of concurrent requests.
 *
 * <p>The roofline of a step is the larger of its matmul FLOPs at the measured fp32 GEMM peak ({@link CostModel})
 * and the time to read the weights once at the measured memory bandwidth (as stored: 4 bytes a parameter for
 * fp32, 2 for 16-bit weights, which are also widened: 4 more bytes written and read a parameter, reported apart).
 *
 * <pre>
 * RealSizeBenchMain --model DIR [--dtype auto] [--strategies llada,fast-dllm-dual,elastic] [--gen 8] [--steps 4]
 *                   [--concurrency 1,2,4] [--out FILE]
 * </pre>
 */
public final class RealSizeBenchMain {
    private static final Set<String> FLAGS = Set.of("model", "dtype", "strategies", "gen", "steps", "concurrency", "out",
            "prompt");

    private RealSizeBenchMain() {}

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv, FLAGS);
        Path folder = Path.of(args.get("model", null));
        WeightDtype dtype = WeightDtype.parse(args.get("dtype", "auto"));
        int gen = args.getInt("gen", 8);
        int cap = args.getInt("steps", 4);
        String prompt = args.get("prompt", "Uppercase these words: robot flame heart queen lemon mango water radio noble house");
        StringBuilder report = new StringBuilder();
        long start = System.nanoTime();
        try (ElasticCacheEngine engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(folder).dtype(dtype)
                .maxBatchSize(1).requestTimeout(java.time.Duration.ofDays(1)).build())) {
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            DiffusionModel model = engine.diffusionModel();
            WeightFootprint weights = model.weightFootprint();
            long parameters = engine.modelInfo().parameters();
            double peak;
            double bandwidth;
            try (NDManager m = model.manager().newSubManager()) {
                peak = CostModel.measureMatmulPeakGflops(m);
                bandwidth = measureCopyGbPerSecond(m);
            }
            line(report, "model %s (%s, %.2f B parameters), dtype %s: %s resident, %s mapped", folder.getFileName(),
                    engine.modelInfo().family().displayName(), parameters / 1e9, dtype.spelling(),
                    MemoryBudget.size(weights.residentBytes()), MemoryBudget.size(weights.mappedBytes()));
            line(report, "load %.1f s; RSS after load %s (peak %s)", loadSeconds, MemoryBudget.size(rss("VmRSS")),
                    MemoryBudget.size(rss("VmHWM")));
            line(report, "machine: fp32 GEMM peak %.0f GFLOP/s (1024^3, median of 7), memory copy %.1f GB/s, %d cores",
                    peak, bandwidth, Runtime.getRuntime().availableProcessors());
            List<ChatMessage> chat = List.of(ChatMessage.user(prompt));
            int[] promptIds = engine.dreamTokenizer().map(t -> t.encodeChat(chat))
                    .orElseGet(() -> engine.tokenizer().encodeChat(chat));
            int n = promptIds.length + gen;
            CostModel cost = new CostModel(model);
            double weightBytes = weights.mappedBytes() + weights.residentBytes(); // as stored: mapped ones 2 B a parameter
            double readSeconds = weightBytes / (bandwidth * 1e9);
            double widenSeconds = weights.mapped() ? 2.0 * weights.mappedBytes() * 2 / (bandwidth * 1e9) : 0;
            line(report, "");
            line(report, "prompt %d tokens + gen %d (one block); weights read once: %.2f s%s", promptIds.length, gen,
                    readSeconds, weights.mapped() ? String.format(Locale.ROOT, ", widening them (4 B written and read a parameter): %.2f s", widenSeconds) : "");
            line(report, "| strategy | steps timed | step 0 s | median later step s | GFLOP / later step | roofline s | step / roofline |");
            line(report, "|---|---|---|---|---|---|---|");
            for (String name : args.get("strategies", "llada,fast-dllm-dual,elastic").split(",")) {
                Strategy strategy = Strategy.parse(name);
                DecodingOptions o = DecodingOptions.builder().strategy(strategy).genLength(gen).blockLength(gen).build();
                List<Long> stamps = new ArrayList<>();
                List<StepRecord> records = new ArrayList<>();
                stamps.add(System.nanoTime());
                try {
                    Decoder.of(strategy).decode(new DecodeRun(model, promptIds, o, (step, seq) -> {
                        stamps.add(System.nanoTime());
                        records.add(step);
                    }, () -> records.size() >= cap, false));
                } catch (DecodeCancelledException stopped) {
                    // stopped after `cap` steps
                }
                double[] seconds = new double[records.size()];
                double[] flops = new double[records.size()];
                for (int i = 0; i < records.size(); i++) {
                    seconds[i] = (stamps.get(i + 1) - stamps.get(i)) / 1e9;
                    flops[i] = cost.stepFlops(records.get(i), i == 0 ? 0 : records.get(i - 1).track().length, n);
                }
                double later = median(Arrays.copyOfRange(seconds, 1, seconds.length));
                double laterFlops = median(Arrays.copyOfRange(flops, 1, flops.length));
                double roof = Math.max(laterFlops / (peak * 1e9), readSeconds);
                line(report, "| %s | %d | %.2f | %.2f | %.0f | %.2f | %.2fx |", strategy.id(), records.size(), seconds[0], later,
                        laterFlops / 1e9, roof, later / roof);
            }
            String concurrency = args.get("concurrency", "");
            if (!concurrency.isBlank()) {
                line(report, "");
                line(report, "| concurrent requests | answer tokens | wall s | aggregate tokens/s |");
                line(report, "|---|---|---|---|");
                for (String c : concurrency.split(",")) {
                    int clients = Integer.parseInt(c.trim());
                    double[] result = concurrent(folder, dtype, clients, promptIds, gen);
                    line(report, "| %d | %.0f | %.1f | %.3f |", clients, result[0], result[1], result[0] / result[1]);
                }
            }
        }
        System.out.print(report);
        String out = args.get("out", "");
        if (!out.isBlank()) {
            Files.writeString(Path.of(out), report.toString());
        }
    }

    /** {@code clients} requests at once on an engine batching as many: answer tokens and wall seconds. */
    private static double[] concurrent(Path folder, WeightDtype dtype, int clients, int[] prompt, int gen) {
        try (ElasticCacheEngine engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(folder).dtype(dtype)
                .maxBatchSize(clients).queueCapacity(clients).requestTimeout(java.time.Duration.ofDays(1)).build())) {
            GenerationRequest request = GenerationRequest.builder().promptIds(prompt)
                    .options(DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(gen).blockLength(gen).build()).build();
            long t0 = System.nanoTime();
            List<GenerationHandle> handles = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                handles.add(engine.submit(request, null));
            }
            long tokens = 0;
            for (GenerationHandle h : handles) {
                GenerationResult r = h.result().join();
                tokens += r.usage().generationTokens();
            }
            return new double[] {tokens, (System.nanoTime() - t0) / 1e9};
        }
    }

    /** GB/s of copying a 256 MiB fp32 array in native memory (read + write counted), median of 5. */
    private static double measureCopyGbPerSecond(NDManager m) {
        NDArray a = m.randomNormal(new Shape(64L << 20));
        double[] rates = new double[5];
        for (int i = 0; i < rates.length; i++) {
            long t0 = System.nanoTime();
            NDArray copy = a.duplicate();
            copy.getFloat(0);
            rates[i] = 2.0 * (256L << 20) / (System.nanoTime() - t0);
            copy.close();
        }
        a.close();
        return median(rates);
    }

    private static long rss(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key + ":")) {
                    return Long.parseLong(l.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void line(StringBuilder report, String format, Object... values) {
        String s = String.format(Locale.ROOT, format, values);
        report.append(s).append('\n');
        System.err.println(s);
    }
}
