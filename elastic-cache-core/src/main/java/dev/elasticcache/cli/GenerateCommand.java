package dev.elasticcache.cli;

import com.google.gson.GsonBuilder;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.decode.Remasking;
import dev.elasticcache.decode.TraceJson;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.tokenizer.ChatMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code generate}: decodes one prompt with any strategy and prints the answer and its statistics; with
 * {@code --trace FILE} it also writes the per-step trace as JSON.
 */
public final class GenerateCommand {
    static final String USAGE = """
            usage: generate [--model DIR] (--prompt TEXT [--chat] | --prompt-ids 1,2,3)
                            [--strategy llada|fast-dllm|fast-dllm-prefix|fast-dllm-dual|elastic]
                            [--gen-length N] [--block-length N] [--steps N] [--window N] [--threshold X|none]
                            [--tokens-per-iter N] [--gamma X] [--track-num N] [--block-caching true|false]
                            [--temperature X] [--remasking low-confidence|random] [--seed N] [--device cpu|gpu|auto]
                            [--trace FILE] [--schema FILE|JSON]
              --model DIR   LLaDA checkpoint folder (config.json, safetensors, tokenizer.json); default: the embedded model
              --chat        wrap the prompt in the model's chat template as a user message
            """;

    private GenerateCommand() {}

    /** Runs the command; returns the process exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (o.help) {
            out.print(USAGE);
            return 0;
        }
        EngineConfig config = EngineConfig.builder().modelDir(o.model).device(o.device).queueCapacity(1)
                .defaultOptions(o.decoding).build();
        try (ElasticCacheEngine engine = ElasticCacheEngine.load(config)) {
            GenerationRequest.Builder request = GenerationRequest.builder().options(o.decoding).trace(o.trace != null);
            if (o.promptIds != null) {
                request.promptIds(o.promptIds);
            } else if (o.chat || o.schema != null) {
                request.messages(List.of(ChatMessage.user(o.prompt)));
            } else {
                request.text(o.prompt);
            }
            if (o.schema != null) {
                request.outputSchema(o.schema.strip().startsWith("{") ? o.schema : Files.readString(Path.of(o.schema)));
            }
            GenerationResult result = engine.generate(request.build());
            out.println(result.text());
            out.println();
            printStats(out, result);
            if (o.trace != null) {
                String json = new GsonBuilder().setPrettyPrinting().create().toJson(
                        TraceJson.of(result.promptIds(), result.sequence(), result.stats(), result.trace(), result.slots()));
                Files.writeString(o.trace, json + "\n", StandardCharsets.UTF_8);
                out.println("trace written to " + o.trace);
            }
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    static void printStats(PrintStream out, GenerationResult r) {
        DecodingStats s = r.stats();
        out.printf(Locale.ROOT, "strategy            %s%n", s.strategy().id());
        out.printf(Locale.ROOT, "finish reason       %s%n", r.finishReason());
        out.printf(Locale.ROOT, "prompt tokens       %d%n", r.usage().promptTokens());
        out.printf(Locale.ROOT, "answer tokens       %d%n", r.usage().generationTokens());
        out.printf(Locale.ROOT, "NFE (steps)         %d%n", s.nfe());
        out.printf(Locale.ROOT, "tokens per step     %.2f%n", s.tokensPerStep());
        out.printf(Locale.ROOT, "layer rows computed %d%n", s.layerRows());
        out.printf(Locale.ROOT, "layers recomputed   %.3f%n", s.recomputeFraction());
        out.printf(Locale.ROOT, "wall time           %.3f s%n", s.wallSeconds());
        out.printf(Locale.ROOT, "tokens per second   %.1f%n", s.tokensPerSecond());
    }

    /** Parsed command line. */
    static final class Options {
        Path model;
        String prompt;
        int[] promptIds;
        boolean chat;
        boolean help;
        String device = "cpu";
        Path trace;
        String schema;
        DecodingOptions decoding;

        static Options parse(String[] args) {
            Options o = new Options();
            DecodingOptions.Builder d = DecodingOptions.builder();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                switch (flag) {
                    case "--help", "-h" -> o.help = true;
                    case "--chat" -> o.chat = true;
                    default -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value" : "unexpected argument '" + flag + "'");
                        }
                        String v = args[++i];
                        switch (flag) {
                            case "--model" -> o.model = Path.of(v);
                            case "--prompt" -> o.prompt = v;
                            case "--prompt-ids" -> o.promptIds = parseIds(v);
                            case "--strategy" -> d.strategy(v);
                            case "--gen-length" -> d.genLength(integer(flag, v));
                            case "--block-length" -> d.blockLength(integer(flag, v));
                            case "--steps" -> d.steps(integer(flag, v));
                            case "--window" -> d.windowLength(integer(flag, v));
                            case "--threshold" -> d.threshold(v.equalsIgnoreCase("none") ? null : number(flag, v));
                            case "--tokens-per-iter" -> d.tokensPerIter(integer(flag, v));
                            case "--gamma" -> d.gamma(number(flag, v));
                            case "--track-num" -> d.trackNum(integer(flag, v));
                            case "--block-caching" -> d.blockCaching(bool(flag, v));
                            case "--temperature" -> d.temperature(number(flag, v));
                            case "--remasking" -> d.remasking(Remasking.valueOf(v.toUpperCase(Locale.ROOT).replace('-', '_')));
                            case "--seed" -> d.seed(Long.parseLong(v));
                            case "--device" -> o.device = v;
                            case "--trace" -> o.trace = Path.of(v);
                            case "--schema" -> o.schema = v;
                            default -> throw new IllegalArgumentException("unknown option " + flag);
                        }
                    }
                }
            }
            if (!o.help && (o.prompt == null) == (o.promptIds == null)) {
                throw new IllegalArgumentException("give exactly one of --prompt or --prompt-ids");
            }
            if (o.chat && o.promptIds != null) {
                throw new IllegalArgumentException("--chat applies to --prompt only");
            }
            o.decoding = d.build().validate();
            return o;
        }

        private static int[] parseIds(String v) {
            try {
                return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--prompt-ids must be comma-separated integers, got '" + v + "'");
            }
        }

        private static int integer(String flag, String v) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " must be an integer, got '" + v + "'");
            }
        }

        private static double number(String flag, String v) {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " must be a number, got '" + v + "'");
            }
        }

        private static boolean bool(String flag, String v) {
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException(flag + " must be true or false, got '" + v + "'");
            }
            return Boolean.parseBoolean(v);
        }
    }
}
