package dev.elasticcache.cli;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.engine.ModelInfo;
import dev.elasticcache.tokenizer.ChatMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench}: the paper's comparison on any model folder. Every strategy decodes every prompt (as a chat user
 * message) {@code --repeat} times with the same knobs; the table gives per strategy how many answers are identical
 * to the {@code llada} baseline's, and the medians of NFE, tokens per second and seconds, and the speed-up (median
 * tokens/s over llada's).
 */
final class BenchCommand {
    static final String SYNOPSIS = "bench [--model DIR|ID] [--prompt TEXT]... [--prompts FILE] [--strategies S,S,...]"
            + " [--repeat N] [--warmup N] [KNOBS]";
    static final String USAGE = "usage: elastic-cache " + SYNOPSIS + "\n"
            + "  Decodes every prompt with every strategy and prints per strategy: answers identical to llada's, median\n"
            + "  NFE, median tokens/s, median seconds and the speed-up over llada (ratio of median tokens/s).\n"
            + "  --prompt TEXT         a prompt (repeatable), sent as a chat user message\n"
            + "  --prompts FILE        prompts, one per line (blank lines skipped)\n"
            + "                        default: the example prompts of the model's card (training.json)\n"
            + "  --strategies LIST     comma-separated (default: all " + Strategy.values().length + ");"
            + " llada is added as the baseline when missing\n"
            + "  --repeat N            decodes per prompt and strategy (default 1)\n"
            + "  --warmup N            untimed decodes per strategy before measuring (default 1)\n"
            + EngineArgs.USAGE;
    private static final List<String> OWN_FLAGS = List.of("--prompt", "--prompts", "--strategies", "--repeat", "--warmup");
    private static final int BAR = 20;

    private BenchCommand() {}

    /** One strategy's measurements, in run order. */
    record Row(Strategy strategy, List<Integer> nfe, List<Double> tokensPerSecond, List<Double> seconds,
            List<String> answers) {
        Row(Strategy strategy) {
            this(strategy, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        EngineArgs shared = new EngineArgs();
        List<String> prompts = new ArrayList<>();
        Path promptsFile = null;
        List<Strategy> strategies = new ArrayList<>(Arrays.asList(Strategy.values()));
        int repeat = 1;
        int warmup = 1;
        DecodingOptions base;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    out.print(USAGE);
                    return 0;
                }
                EngineArgs.requireKnown(flag, OWN_FLAGS, "bench");
                String v = EngineArgs.valueAfter(args, i++);
                if (!shared.accept(flag, v)) {
                    switch (flag) {
                        case "--prompt" -> prompts.add(requireText(v));
                        case "--prompts" -> promptsFile = Path.of(v);
                        case "--strategies" -> strategies = strategies(v);
                        case "--repeat" -> repeat = atLeast(flag, EngineArgs.integer(flag, v), 1);
                        default -> warmup = atLeast(flag, EngineArgs.integer(flag, v), 0);
                    }
                }
            }
            if (promptsFile != null) {
                prompts.addAll(readPrompts(promptsFile));
            }
            base = shared.options();
            for (Strategy s : strategies) {
                try {
                    base.mutate().strategy(s).build().validate();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage() + "; change the knob or leave " + s.id()
                            + " out of --strategies", e);
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        try (ElasticCacheEngine engine = shared.load(err)) {
            ModelInfo info = engine.modelInfo();
            if (prompts.isEmpty()) {
                prompts.addAll(info.card().examples().values());
                if (prompts.isEmpty()) {
                    err.println("error: " + info.name() + " has no example prompts (no training.json examples);"
                            + " give --prompt TEXT (repeatable) or --prompts FILE");
                    return 2;
                }
            }
            boolean baselineAdded = !strategies.contains(Strategy.LLADA);
            if (baselineAdded) {
                strategies.add(0, Strategy.LLADA);
            }
            out.printf(Locale.ROOT, "bench: %s on %s, %d prompt%s x %d repeat%s x %d strateg%s, %d warm-up decode%s per"
                            + " strategy%s%n", info.name(), info.device(), prompts.size(), plural(prompts.size()), repeat,
                    plural(repeat), strategies.size(), strategies.size() == 1 ? "y" : "ies", warmup, plural(warmup),
                    baselineAdded ? " (llada added: it is the baseline)" : "");
            out.printf(Locale.ROOT, "knobs: %s%n", knobs(base));
            Map<Strategy, Row> rows = measure(engine, prompts, strategies, base, repeat, warmup, err);
            printTable(out, rows);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println();
            err.println("error: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println();
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static Map<Strategy, Row> measure(ElasticCacheEngine engine, List<String> prompts, List<Strategy> strategies,
            DecodingOptions base, int repeat, int warmup, PrintStream err) {
        Map<Strategy, Row> rows = new LinkedHashMap<>();
        for (Strategy s : strategies) {
            rows.put(s, new Row(s));
        }
        int total = (warmup + prompts.size() * repeat) * strategies.size();
        int done = 0;
        for (int w = 0; w < warmup; w++) {
            for (Strategy s : strategies) {
                progress(err, done, total, s.id() + " (warm-up)");
                decode(engine, prompts.get(0), base, s);
                done++;
            }
        }
        // Strategies interleave per prompt, so that a slow spell of a shared machine hits all of them alike.
        for (int r = 0; r < repeat; r++) {
            for (String prompt : prompts) {
                for (Strategy s : strategies) {
                    progress(err, done, total, s.id());
                    GenerationResult result = decode(engine, prompt, base, s);
                    Row row = rows.get(s);
                    row.nfe().add(result.stats().nfe());
                    row.tokensPerSecond().add(result.stats().tokensPerSecond());
                    row.seconds().add(result.stats().wallSeconds());
                    row.answers().add(result.text());
                    done++;
                }
            }
        }
        progress(err, done, total, "done");
        err.println();
        return rows;
    }

    private static GenerationResult decode(ElasticCacheEngine engine, String prompt, DecodingOptions base, Strategy s) {
        return engine.generate(GenerationRequest.builder().messages(List.of(ChatMessage.user(prompt)))
                .options(base.mutate().strategy(s).build()).build());
    }

    static void printTable(PrintStream out, Map<Strategy, Row> rows) {
        Row baseline = rows.get(Strategy.LLADA);
        double baseTps = median(baseline.tokensPerSecond());
        out.printf(Locale.ROOT, "%-17s %21s %11s %13s %10s %9s%n", "strategy", "identical to llada", "median NFE",
                "median tok/s", "median s", "speed-up");
        for (Row row : rows.values()) {
            int same = 0;
            for (int i = 0; i < row.answers().size(); i++) {
                same += row.answers().get(i).equals(baseline.answers().get(i)) ? 1 : 0;
            }
            double tps = median(row.tokensPerSecond());
            String identical = String.format(Locale.ROOT, "%.1f%% (%d/%d)", 100.0 * same / row.answers().size(), same,
                    row.answers().size());
            out.printf(Locale.ROOT, "%-17s %21s %11s %13.1f %10.3f %9s%n", row.strategy().id(), identical,
                    trim(median(row.nfe().stream().map(Integer::doubleValue).toList())), tps, median(row.seconds()),
                    baseTps > 0 ? String.format(Locale.ROOT, "%.2fx", tps / baseTps) : "n/a");
        }
        out.println("speed-up: median tokens/s over llada's; tokens/s counts answer tokens up to the end token.");
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static void progress(PrintStream err, int done, int total, String what) {
        int filled = total == 0 ? BAR : done * BAR / total;
        err.print("\r[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] " + done + "/" + total + " "
                + String.format(Locale.ROOT, "%-24s", what));
        err.flush();
    }

    private static String knobs(DecodingOptions o) {
        StringBuilder s = new StringBuilder();
        for (String knob : EngineArgs.KNOBS) {
            if (!knob.equals("strategy")) {
                s.append(s.length() == 0 ? "" : " ").append(knob).append('=').append(EngineArgs.knobValue(o, knob));
            }
        }
        return s.toString();
    }

    private static List<Strategy> strategies(String v) {
        List<Strategy> list = new ArrayList<>();
        for (String name : v.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            Strategy s = Strategy.parse(name);
            if (!list.contains(s)) {
                list.add(s);
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("--strategies needs at least one strategy, e.g. --strategies llada,elastic");
        }
        return list;
    }

    private static List<String> readPrompts(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
            if (lines.isEmpty()) {
                throw new IllegalArgumentException("--prompts " + file + " has no prompts; write one prompt per line");
            }
            return lines;
        } catch (IOException e) {
            throw new IllegalArgumentException("--prompts: cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    private static String requireText(String v) {
        if (v.isBlank()) {
            throw new IllegalArgumentException("--prompt is blank; give the prompt text");
        }
        return v;
    }

    private static int atLeast(String flag, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(flag + " must be >= " + min + ", got " + v);
        }
        return v;
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }
}
