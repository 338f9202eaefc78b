package dev.elasticcache.cli;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Remasking;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.hub.HubException;
import dev.elasticcache.hub.HubSettings;
import dev.elasticcache.hub.ModelId;
import dev.elasticcache.hub.PullStrategy;
import dev.elasticcache.model.weights.WeightDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The options every command shares: the model ({@code --model --device}) and the decoding knobs
 * ({@code --strategy --gen-length ... --seed}). Commands hand each flag and its value to {@link #accept}; chat's
 * {@code /set KNOB VALUE} goes through {@link #setKnob} with the same names and messages.
 */
final class EngineArgs {
    /** The decoding knobs, as written after {@code --} on the command line and after {@code /set} in chat. */
    static final List<String> KNOBS = List.of("strategy", "gen-length", "block-length", "steps", "window", "threshold",
            "tokens-per-iter", "gamma", "track-num", "block-caching", "temperature", "remasking", "seed");

    /** The flags that choose the model and how it is loaded (every command takes them). */
    static final List<String> MODEL_FLAGS = List.of("--model", "--pull", "--device", "--dtype");

    /** Usage lines of the shared options, indented to follow a command's synopsis. */
    static final String USAGE = """
              --model DIR|ID|NAME   LLaDA, LLaDA-V or Dream checkpoint folder (config.json, safetensors,
                                    tokenizer); a Hugging Face id OWNER/NAME[@REVISION] (e.g.
                                    GSAI-ML/LLaDA-8B-Instruct), used from the Hugging Face cache or downloaded
                                    into it (HF_HOME, HF_HUB_CACHE, HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE); or
                                    an embedded model: tiny-llada (the default, text) or tiny-llada-v (vision:
                                    reads one to three letters or digits in an image)
              --pull P              when a Hugging Face model is downloaded: when-missing (default), always
                                    (fetch what the revision's newest commit adds) or never (cache only)
              --device cpu|gpu|auto where the weights live (default cpu)
              --dtype D             auto|float32|bfloat16|float16|float16-compute: weights widened to fp32 at
                                    load, or kept 16-bit, mapped from the checkpoint (default auto: fp32 if
                                    it fits); float16-compute multiplies in fp16 (GPUs)
              --strategy S          llada|fast-dllm|fast-dllm-prefix|fast-dllm-dual|elastic (default elastic)
              --gen-length N        answer positions (default 128)      --block-length N  block size (default 32)
              --steps N             llada steps, 0 = one token per step --window N        elastic window (default 16)
              --threshold X|none    parallel-unmasking confidence (0.9) --tokens-per-iter N  top-k tokens per step
              --gamma X             elastic drift threshold (0.9)       --track-num N     tracked tokens per layer
              --block-caching B     true|false (default true)           --temperature X   llada sampling (0 = greedy)
              --remasking R         low-confidence|random               --seed N          sampling seed
                                    (Dream's llada: low-confidence|topk-margin|entropy)
            """;

    /** A command's request timeout: none in practice (a day). */
    static final java.time.Duration COMMAND_TIMEOUT = java.time.Duration.ofDays(1);

    Path model;
    ModelId hubModel;
    PullStrategy pull = PullStrategy.WHEN_MISSING;
    String embeddedModel = EmbeddedModel.NAME;
    String device = "cpu";
    WeightDtype dtype = WeightDtype.AUTO;
    DecodingOptions.Builder decoding = DecodingOptions.builder();

    /**
     * Takes one shared flag and its value.
     *
     * @return false when {@code flag} is not a shared option (the command's own or unknown)
     * @throws IllegalArgumentException when the value is malformed (the message names the flag and the fix)
     */
    boolean accept(String flag, String value) {
        if (acceptModel(flag, value)) {
            return true;
        }
        if (!flag.startsWith("--") || !KNOBS.contains(flag.substring(2))) {
            return false;
        }
        setKnob(decoding, flag, flag.substring(2), value);
        return true;
    }

    /** Takes {@code --model}, {@code --pull}, {@code --device} or {@code --dtype} only (for commands that do not decode). */
    boolean acceptModel(String flag, String value) {
        switch (flag) {
            case "--model" -> {
                // An embedded model's name or a Hub id, unless a folder of that name is meant (as transformers does).
                model = null;
                hubModel = null;
                embeddedModel = null;
                boolean folder = Files.exists(Path.of(value));
                if (EmbeddedModel.NAMES.contains(value) && !folder) {
                    embeddedModel = value;
                } else if (!folder && ModelId.looksLikeId(value)) {
                    hubModel = ModelId.parse(value);
                } else {
                    model = Path.of(value);
                }
            }
            case "--pull" -> pull = PullStrategy.parse(value);
            case "--device" -> {
                if (!List.of("cpu", "gpu", "auto").contains(value)) {
                    throw new IllegalArgumentException("--device must be cpu, gpu or auto, got '" + value + "'");
                }
                device = value;
            }
            case "--dtype" -> dtype = WeightDtype.parse(value);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The decoding options given so far, checked. */
    DecodingOptions options() {
        return decoding.build().validate();
    }

    /** An engine configuration for these options (one request at a time: a command line needs no queue). */
    EngineConfig engineConfig() {
        // One user at a time: requests decode alone, on the configured intra-op threads, and take as long as they
        // take (a step of an 8B model on a small CPU takes seconds; Ctrl-C ends a command).
        EngineConfig.Builder b = EngineConfig.builder().device(device).dtype(dtype).queueCapacity(1).maxBatchSize(1)
                .requestTimeout(COMMAND_TIMEOUT).defaultOptions(options());
        if (hubModel != null) {
            b.model(hubModel).pullModelStrategy(pull).hub(HubSettings.fromEnvironment());
        } else if (model != null) {
            b.modelDir(model);
        } else {
            b.embeddedModel(embeddedModel == null ? EmbeddedModel.NAME : embeddedModel);
        }
        return b.build();
    }

    /** Whether the model is an embedded one. */
    boolean embedded() {
        return model == null && hubModel == null;
    }

    /** Loads the engine; a Hugging Face model is downloaded first when needed, with a progress bar on {@code err}. */
    ElasticCacheEngine load(java.io.PrintStream err) {
        try {
            return ElasticCacheEngine.load(engineConfig(), new DownloadProgressBar(err, System.console() != null));
        } catch (HubException e) {
            if (e.code().equals("RepoNotFound")) { // OWNER/NAME may have been meant as a folder
                throw new HubException(e.code(), e.getMessage() + "; there is no folder "
                        + Path.of(hubModel.repo()).toAbsolutePath() + " either", e);
            }
            throw e;
        }
    }

    /**
     * Sets knob {@code knob} (one of {@link #KNOBS}) on {@code d}; {@code label} names it in messages
     * ({@code --gamma} on the command line, {@code gamma} in chat).
     */
    static void setKnob(DecodingOptions.Builder d, String label, String knob, String v) {
        switch (knob) {
            case "strategy" -> d.strategy(Strategy.parse(v));
            case "gen-length" -> d.genLength(integer(label, v));
            case "block-length" -> d.blockLength(integer(label, v));
            case "steps" -> d.steps(integer(label, v));
            case "window" -> d.windowLength(integer(label, v));
            case "threshold" -> d.threshold(v.equalsIgnoreCase("none") ? null : number(label, v));
            case "tokens-per-iter" -> d.tokensPerIter(integer(label, v));
            case "gamma" -> d.gamma(number(label, v));
            case "track-num" -> d.trackNum(integer(label, v));
            case "block-caching" -> d.blockCaching(bool(label, v));
            case "temperature" -> d.temperature(number(label, v));
            case "remasking" -> d.remasking(remasking(label, v));
            case "seed" -> d.seed(longInteger(label, v));
            default -> throw new IllegalArgumentException("unknown knob '" + knob + "'; knobs: " + String.join(", ", KNOBS));
        }
    }

    /** The current value of knob {@code knob} in {@code o}, as it would be written on the command line. */
    static String knobValue(DecodingOptions o, String knob) {
        return switch (knob) {
            case "strategy" -> o.strategy().id();
            case "gen-length" -> String.valueOf(o.genLength());
            case "block-length" -> String.valueOf(o.blockLength());
            case "steps" -> String.valueOf(o.steps());
            case "window" -> String.valueOf(o.windowLength());
            case "threshold" -> o.threshold() == null ? "none" : String.valueOf(o.threshold());
            case "tokens-per-iter" -> String.valueOf(o.tokensPerIter());
            case "gamma" -> String.valueOf(o.gamma());
            case "track-num" -> String.valueOf(o.trackNum());
            case "block-caching" -> String.valueOf(o.blockCaching());
            case "temperature" -> String.valueOf(o.temperature());
            case "remasking" -> o.remasking().name().toLowerCase(Locale.ROOT).replace('_', '-');
            case "seed" -> String.valueOf(o.seed());
            default -> throw new IllegalArgumentException("unknown knob '" + knob + "'; knobs: " + String.join(", ", KNOBS));
        };
    }

    /** Whether {@code flag} is a shared option (it takes a value). */
    static boolean isShared(String flag) {
        return MODEL_FLAGS.contains(flag) || flag.startsWith("--") && KNOBS.contains(flag.substring(2));
    }

    /** Throws naming the fix unless {@code flag} is shared or one of the command's {@code own} flags. */
    static void requireKnown(String flag, List<String> own, String command) {
        if (!isShared(flag) && !own.contains(flag)) {
            throw new IllegalArgumentException((flag.startsWith("-") ? "unknown option " + flag : "unexpected argument '" + flag + "'")
                    + "; elastic-cache " + command + " --help lists the options");
        }
    }

    /** The value after the flag at {@code args[i]}. */
    static String valueAfter(String[] args, int i) {
        String flag = args[i];
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException(flag.startsWith("-") ? flag + " needs a value" : "unexpected argument '" + flag + "'");
        }
        return args[i + 1];
    }

    static int integer(String label, String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(label + " must be an integer, got '" + v + "'");
        }
    }

    static long longInteger(String label, String v) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(label + " must be an integer, got '" + v + "'");
        }
    }

    static double number(String label, String v) {
        try {
            double x = Double.parseDouble(v.strip());
            if (!Double.isFinite(x)) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(label + " must be a number, got '" + v + "'");
        }
    }

    static boolean bool(String label, String v) {
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(label + " must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static Remasking remasking(String label, String v) {
        for (Remasking r : Remasking.values()) {
            if (r.name().equalsIgnoreCase(v.strip().replace('-', '_'))) {
                return r;
            }
        }
        throw new IllegalArgumentException(label + " must be low-confidence, random, topk-margin or entropy, got '" + v + "'");
    }
}
