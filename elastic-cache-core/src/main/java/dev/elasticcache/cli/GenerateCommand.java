package dev.elasticcache.cli;

import com.google.gson.GsonBuilder;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.decode.TraceJson;
import dev.elasticcache.engine.ChatImage;
import dev.elasticcache.engine.ElasticCacheEngine;
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
    static final String SYNOPSIS = "generate [--model DIR|ID] (--prompt TEXT [--chat] | --prompt-ids 1,2,3) [KNOBS]"
            + " [--trace FILE] [--schema FILE|JSON]";
    static final String USAGE = "usage: elastic-cache " + SYNOPSIS + "\n"
            + "  Decodes one prompt and prints the answer and its statistics.\n"
            + "  --prompt TEXT         the prompt; --chat wraps it in the model's chat template as a user message\n"
            + "  --prompt-ids 1,2,3    the prompt as token ids\n"
            + "  --trace FILE          write the per-step trace as JSON\n"
            + "  --schema FILE|JSON    answer a JSON document of this schema, decoded by infilling\n"
            + "  --image FILE          attach a PNG or JPEG to the prompt (LLaDA-V folders; repeatable; implies --chat)\n"
            + EngineArgs.USAGE;

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
        try (ElasticCacheEngine engine = o.engine.load(err)) {
            GenerationRequest.Builder request = GenerationRequest.builder().options(o.decoding).trace(o.trace != null);
            if (o.promptIds != null) {
                request.promptIds(o.promptIds);
            } else if (o.chat || o.schema != null || !o.images.isEmpty()) {
                request.messages(List.of(ChatMessage.user(o.prompt)));
                List<ChatImage> images = new java.util.ArrayList<>();
                for (Path image : o.images) {
                    if (!Files.isRegularFile(image)) {
                        throw new IllegalArgumentException("--image " + image + ": no such file");
                    }
                    images.add(new ChatImage(0, Files.readAllBytes(image), image.toString()));
                }
                request.images(images);
            } else {
                request.text(o.prompt);
            }
            if (o.schema != null) {
                request.outputSchema(o.schema.strip().startsWith("{") ? o.schema : Files.readString(Path.of(o.schema)));
            }
            GenerationResult result = engine.generate(request.build());
            out.println(result.text());
            result.emptyAnswerHint().ifPresent(hint -> out.println("hint: " + hint));
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
        private static final List<String> OWN_FLAGS = List.of("--prompt", "--prompt-ids", "--trace", "--schema", "--image");
        EngineArgs engine;
        String prompt;
        int[] promptIds;
        boolean chat;
        boolean help;
        Path trace;
        String schema;
        final List<Path> images = new java.util.ArrayList<>();
        DecodingOptions decoding;

        static Options parse(String[] args) {
            Options o = new Options();
            EngineArgs shared = new EngineArgs();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                switch (flag) {
                    case "--help", "-h" -> {
                        o.help = true;
                        return o;
                    }
                    case "--chat" -> o.chat = true;
                    default -> {
                        EngineArgs.requireKnown(flag, OWN_FLAGS, "generate");
                        String v = EngineArgs.valueAfter(args, i++);
                        if (!shared.accept(flag, v)) {
                            switch (flag) {
                                case "--prompt" -> o.prompt = v;
                                case "--prompt-ids" -> o.promptIds = parseIds(v);
                                case "--trace" -> o.trace = Path.of(v);
                                case "--schema" -> o.schema = v;
                                case "--image" -> o.images.add(Path.of(v));
                                default -> throw new IllegalArgumentException("unknown option " + flag);
                            }
                        }
                    }
                }
            }
            if ((o.prompt == null) == (o.promptIds == null)) {
                throw new IllegalArgumentException("give exactly one of --prompt or --prompt-ids");
            }
            if (o.chat && o.promptIds != null) {
                throw new IllegalArgumentException("--chat applies to --prompt only");
            }
            if (!o.images.isEmpty() && o.promptIds != null) {
                throw new IllegalArgumentException("--image needs --prompt (the image goes before the question)");
            }
            o.engine = shared;
            o.decoding = shared.options();
            return o;
        }

        private static int[] parseIds(String v) {
            try {
                return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--prompt-ids must be comma-separated integers, got '" + v + "'");
            }
        }
    }
}
