package dev.elasticcache.lab.bench;

import dev.elasticcache.DjlDefaults;
import dev.elasticcache.decode.DecodeResult;
import dev.elasticcache.decode.DecodeRun;
import dev.elasticcache.decode.Decoder;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationListener;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.lab.Args;
import dev.elasticcache.lab.tasks.Scoring;
import dev.elasticcache.lab.tasks.Task;
import dev.elasticcache.lab.tasks.TaskEncoding;
import dev.elasticcache.lab.tasks.TaskSuite;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.tokenizer.ChatMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The paper-style comparison on the held-out split: LLaDA, Fast-dLLM (parallel, dual cache) and Elastic-Cache
 * at several generation lengths, measured side by side in one run (strategies interleaved prompt by prompt so
 * machine noise hits all alike), plus a gamma sweep. Writes Markdown, CSV and PNG charts.
 */
public final class BenchmarkMain {
    private static final Set<String> FLAGS = Set.of("model", "out", "lengths", "counts", "gamma", "gammas",
            "sweep-length", "sweep-count");

    private BenchmarkMain() {}

    public static void main(String[] argv) throws Exception {
        DjlDefaults.apply();
        Args args = Args.parse(argv, FLAGS);
        int[] lengths = ints(args.get("lengths", "128,256,512"));
        int[] counts = ints(args.get("counts", "24,12,6"));
        if (counts.length != lengths.length) {
            throw new IllegalArgumentException("--counts needs one count per length in --lengths");
        }
        double gamma = args.getDouble("gamma", 0.9);
        double[] gammas = Arrays.stream(args.get("gammas", "0.5,0.7,0.8,0.9,0.95,0.99").split(","))
                .mapToDouble(Double::parseDouble).toArray();
        int sweepLength = args.getInt("sweep-length", 256);
        int sweepCount = args.getInt("sweep-count", 12);
        Path out = Path.of(args.get("out", "docs/benchmark"));
        Files.createDirectories(out);

        EngineConfig config = EngineConfig.builder()
                .modelDir(args.has("model") ? Path.of(args.get("model", null)) : null).build();
        try (ElasticCacheEngine engine = ElasticCacheEngine.load(config)) {
            LladaModel model = engine.model();
            TaskEncoding encoding = new TaskEncoding(engine.tokenizer());
            Report report = new Report(engine.modelInfo(), new CostModel(model.config()));
            report.matmulPeakGflops = CostModel.measureMatmulPeakGflops(model.manager());
            report.firstTokenSeconds = timeToFirstText(engine);
            List<Task> tasks = TaskSuite.standard().evaluation(Arrays.stream(counts).max().orElse(0));
            List<Variant> variants = Variant.paperRows(gamma);
            System.out.printf(Locale.ROOT, "model %s (%d parameters), load %.2f s, first text %.3f s, matmul peak %.1f GFLOP/s%n",
                    engine.modelInfo().name(), engine.modelInfo().parameters(),
                    engine.modelInfo().loadTime().toMillis() / 1e3, report.firstTokenSeconds, report.matmulPeakGflops);
            warmUp(model, encoding, tasks.get(0), variants);

            for (int li = 0; li < lengths.length; li++) {
                int length = lengths[li];
                Map<Variant, List<Measurement>> rows = new LinkedHashMap<>();
                variants.forEach(v -> rows.put(v, new ArrayList<>()));
                for (int p = 0; p < counts[li]; p++) {
                    Task task = tasks.get(p);
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "len %d prompt %d/%d", length, p + 1, counts[li]));
                    for (Variant v : variants) {
                        Measurement m = measure(model, encoding, task, v.at(length));
                        rows.get(v).add(m);
                        line.append(String.format(Locale.ROOT, " | %s %s %.0f tok/s", v.label(), m.correct() ? "ok" : "x", m.tokensPerSecond()));
                    }
                    System.out.println(line);
                }
                rows.forEach((v, ms) -> report.add(v, new RowResult(v.label(), length, ms)));
            }

            Variant baseline = variants.get(0);
            int sweepPrompts = Math.min(sweepCount, tasks.size());
            List<Measurement> sweepBaseline = new ArrayList<>();
            for (int p = 0; p < sweepPrompts; p++) {
                sweepBaseline.add(measure(model, encoding, tasks.get(p), baseline.at(sweepLength)));
            }
            report.sweepBaseline = new RowResult(baseline.label(), sweepLength, sweepBaseline);
            for (double g : gammas) {
                Variant v = Variant.elastic(g, 16);
                List<Measurement> ms = new ArrayList<>();
                for (int p = 0; p < sweepPrompts; p++) {
                    ms.add(measure(model, encoding, tasks.get(p), v.at(sweepLength)));
                }
                RowResult r = new RowResult(v.label(), sweepLength, ms);
                report.sweep.put(g, r);
                System.out.printf(Locale.ROOT, "gamma %.2f: accuracy %.1f%%, speed-up %.1fx, recompute %.3f%n", g,
                        r.accuracy(), r.medianTokensPerSecond() / report.sweepBaseline.medianTokensPerSecond(),
                        r.meanRecomputeFraction());
            }
            report.write(out, String.join(" ", argv));
            System.out.println();
            System.out.println(Files.readString(out.resolve("results.md")));
        }
    }

    static Measurement measure(LladaModel model, TaskEncoding encoding, Task task, DecodingOptions options) {
        int eot = encoding.tokenizer().eotTokenId();
        DecodeResult r = Decoder.of(options.strategy())
                .decode(DecodeRun.of(model, encoding.promptIds(task), options).withTerminators(eot));
        String answer = encoding.answerText(r.generated());
        return new Measurement(Scoring.exactMatch(task.answer(), answer), r.stats().tokensPerSecond(), r.stats().nfe(),
                r.stats().recomputeFraction(), r.stats().layerRows(), r.stats().wallSeconds(), r.stats().answerTokens(),
                r.sequence().length);
    }

    private static void warmUp(LladaModel model, TaskEncoding encoding, Task task, List<Variant> variants) {
        for (Variant v : variants) {
            measure(model, encoding, task, v.at(128));
        }
    }

    /** Seconds from submitting a chat request to the first streamed text (default Elastic-Cache options). */
    private static double timeToFirstText(ElasticCacheEngine engine) throws InterruptedException {
        CountDownLatch first = new CountDownLatch(1);
        AtomicLong at = new AtomicLong();
        long start = System.nanoTime();
        engine.submit(GenerationRequest.chat(List.of(ChatMessage.user(TaskSuite.standard().evaluation(1).get(0).prompt()))),
                new GenerationListener() {
                    @Override
                    public void onText(String delta) {
                        if (at.compareAndSet(0, System.nanoTime())) {
                            first.countDown();
                        }
                    }
                }).result().join();
        first.await(1, TimeUnit.MINUTES);
        return at.get() == 0 ? Double.NaN : (at.get() - start) / 1e9;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
