package dev.elasticcache.lab.bench;

import dev.elasticcache.DjlDefaults;
import dev.elasticcache.batch.BatchStatistics;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.lab.Args;
import dev.elasticcache.lab.tasks.Task;
import dev.elasticcache.lab.tasks.TaskSuite;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.tokenizer.ChatMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of concurrent requests, batched against one at a time, in one run (issue 16): for each model and
 * each concurrency c, c closed-loop clients each send {@code --per-client} requests to an engine of
 * {@code max-batch-size 1} and to one of {@code --batch}, alternating for {@code --reps} repetitions; it prints
 * the median repetition's aggregate answer tokens/s, answers/s and latency p50/p99 side by side, with the ratios
 * and how full the batches were.
 *
 * <p>Models: {@code shipped} (the embedded tiny-llada on its model card's task prompts) and {@code random} (a
 * random LLaDA checkpoint, d256 / 4 heads / 6 layers / MLP 704 / vocab 4096 unless set, on random word prompts;
 * random weights decode one token per step and rarely stop, so every answer runs to gen-length).
 */
public final class BatchThroughputMain {
    private BatchThroughputMain() {}

    public static void main(String[] argv) throws Exception {
        DjlDefaults.apply();
        Args args = Args.parse(argv, Set.of("models", "concurrency", "per-client", "batch", "strategy", "gen-length",
                "d-model", "layers", "mlp", "vocab", "reps"));
        int reps = args.getInt("reps", 3);
        List<String> models = Arrays.asList(args.get("models", "shipped,random").split(","));
        int[] levels = Arrays.stream(args.get("concurrency", "1,2,4,8,16").split(",")).mapToInt(Integer::parseInt).toArray();
        int perClient = args.getInt("per-client", 3);
        int batch = args.getInt("batch", 16);
        Strategy strategy = Strategy.parse(args.get("strategy", "elastic"));
        System.out.printf(Locale.ROOT, "%s, %d cores, strategy %s, %d requests per client, %d repetitions (median shown),"
                + " batched engine max-batch-size %d%n", StepCostMain.load(), Runtime.getRuntime().availableProcessors(),
                strategy.id(), perClient, reps, batch);
        StringBuilder table = new StringBuilder("| model | clients | engine | requests | answer tok/s | answers/s | p50 s | p99 s |"
                + " tok/s vs one at a time | p99 vs one at a time | ops per round |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String name : models) {
            Path folder = null;
            List<String> prompts;
            int genLength;
            if (name.equals("shipped")) {
                prompts = TaskSuite.standard().evaluation(16).stream().map(Task::prompt).toList();
                genLength = args.getInt("gen-length", DecodingOptions.DEFAULT_GEN_LENGTH);
            } else if (name.equals("random")) {
                LladaConfig config = RandomCheckpoint.tinyConfig().dModel(args.getInt("d-model", 256)).nHeads(4)
                        .nLayers(args.getInt("layers", 6)).mlpHiddenSize(args.getInt("mlp", 704))
                        .vocabSize(args.getInt("vocab", 4096)).build();
                folder = RandomCheckpoint.write(Files.createTempDirectory("batch-bench").resolve("model"), config, 1,
                        DType.BF16, 2);
                prompts = randomPrompts(16);
                genLength = args.getInt("gen-length", 64);
            } else {
                throw new IllegalArgumentException("--models takes shipped and/or random, got '" + name + "'");
            }
            DecodingOptions options = DecodingOptions.builder().strategy(strategy).genLength(genLength).build();
            try (ElasticCacheEngine single = load(folder, 1); ElasticCacheEngine batched = load(folder, batch)) {
                // Warm-up: one request each, not timed.
                single.generate(request(prompts.get(0), options));
                batched.generate(request(prompts.get(0), options));
                for (int clients : levels) {
                    // Repetitions alternate the engines; the row shows the median repetition of each.
                    List<Run> ones = new ArrayList<>();
                    List<Run> manys = new ArrayList<>();
                    BatchStatistics before = batched.batchStatistics();
                    for (int rep = 0; rep < reps; rep++) {
                        ones.add(run(single, clients, perClient, prompts, options));
                        manys.add(run(batched, clients, perClient, prompts, options));
                    }
                    BatchStatistics after = batched.batchStatistics();
                    Run one = Run.median(ones);
                    Run many = Run.median(manys);
                    double opsPerRound = (after.ops() - before.ops()) / (double) Math.max(1, after.rounds() - before.rounds());
                    String label = name + (folder == null ? "" : " (d" + args.getInt("d-model", 256) + ")");
                    table.append(row(label, clients, "one at a time", one, null, Double.NaN));
                    table.append(row(label, clients, "batched", many, one, opsPerRound));
                    System.out.printf(Locale.ROOT, "%s c=%d: one at a time %.1f tok/s p99 %.2f s | batched %.1f tok/s p99 %.2f s"
                            + " (%.2fx, %.1f ops/round) | %s%n", name, clients, one.tokensPerSecond(), one.p99(),
                            many.tokensPerSecond(), many.p99(), many.tokensPerSecond() / one.tokensPerSecond(), opsPerRound,
                            StepCostMain.load());
                }
            }
        }
        System.out.println();
        System.out.print(table);
    }

    private static ElasticCacheEngine load(Path folder, int batch) {
        return ElasticCacheEngine.load(EngineConfig.builder().modelDir(folder).maxBatchSize(batch).queueCapacity(256).build());
    }

    static List<String> randomPrompts(int count) {
        java.util.Random random = new java.util.Random(42);
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder p = new StringBuilder();
            for (int w = 0; w < 6 + random.nextInt(6); w++) {
                p.append(Integer.toString(random.nextInt(1 << 20), 36)).append(' ');
            }
            prompts.add(p.toString().trim());
        }
        return prompts;
    }

    static GenerationRequest request(String prompt, DecodingOptions options) {
        return GenerationRequest.builder().messages(List.of(ChatMessage.user(prompt))).options(options).build();
    }

    /** c closed-loop clients, each sending its requests one after another. */
    static Run run(ElasticCacheEngine engine, int clients, int perClient, List<String> prompts, DecodingOptions options)
            throws InterruptedException {
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong tokens = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(clients);
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < perClient; i++) {
                        long t0 = System.nanoTime();
                        try {
                            GenerationResult r = engine.generate(request(prompts.get((client * perClient + i) % prompts.size()), options));
                            tokens.addAndGet(r.usage().generationTokens());
                            latencies.add((System.nanoTime() - t0) / 1e9);
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                } finally {
                    done.countDown();
                }
            }, "bench-client-" + c);
            t.setDaemon(true);
            t.start();
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " requests failed");
        }
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Run(sorted, tokens.get(), seconds);
    }

    static String row(String model, int clients, String engine, Run run, Run baseline, double opsPerRound) {
        return String.format(Locale.ROOT, "| %s | %d | %s | %d | %.1f | %.2f | %.2f | %.2f | %s | %s | %s |%n", model, clients,
                engine, run.latencies().size(), run.tokensPerSecond(), run.latencies().size() / run.seconds(), run.p50(),
                run.p99(), baseline == null ? "" : String.format(Locale.ROOT, "%.2fx", run.tokensPerSecond() / baseline.tokensPerSecond()),
                baseline == null ? "" : String.format(Locale.ROOT, "%.2fx", run.p99() / baseline.p99()),
                Double.isNaN(opsPerRound) ? "" : String.format(Locale.ROOT, "%.1f", opsPerRound));
    }

    record Run(List<Double> latencies, long tokens, double seconds) {
        /** The repetition of median throughput. */
        static Run median(List<Run> runs) {
            List<Run> sorted = new ArrayList<>(runs);
            sorted.sort(java.util.Comparator.comparingDouble(Run::tokensPerSecond));
            return sorted.get(sorted.size() / 2);
        }

        double tokensPerSecond() {
            return tokens / seconds;
        }

        double p50() {
            return percentile(0.50);
        }

        double p99() {
            return percentile(0.99);
        }

        /** Nearest-rank percentile. */
        double percentile(double q) {
            int rank = (int) Math.ceil(q * latencies.size());
            return latencies.get(Math.max(0, Math.min(latencies.size() - 1, rank - 1)));
        }
    }
}
