package dev.elasticcache.cli;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.LladaCheckpoint;
import dev.elasticcache.checkpoint.SafetensorsFile;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.engine.MemoryPlan;
import dev.elasticcache.engine.ModelCard;
import dev.elasticcache.engine.ModelInfo;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.structured.InfillSettings;
import dev.elasticcache.tokenizer.ChatMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code info}: what a model folder holds and needs, all read from the loaded model, its files and its card: shape,
 * parameter count, weights on disk, memory for the weights and the KV cache, what it was trained on.
 */
final class InfoCommand {
    static final String SYNOPSIS = "info [--model DIR|ID] [--device cpu|gpu|auto] [--dtype D] [--gen-length N]"
            + " [--prompt-length N | --prompt TEXT] [--batch N]";
    static final String USAGE = "usage: elastic-cache " + SYNOPSIS + "\n"
            + "  Prints the model's facts: family, shape, parameters, weights on disk, memory for the weights and the\n"
            + "  KV cache, device, load time, the task families and examples of its card, the infill settings.\n"
            + "  --model DIR|ID|NAME   a model folder, a Hugging Face id OWNER/NAME[@REVISION] (downloaded into the shared\n"
            + "                        cache when missing) or an embedded model; default: the embedded tiny-llada model\n"
            + "  --pull P              when a Hugging Face model is downloaded: when-missing (default), always or never\n"
            + "  --device cpu|gpu|auto where the weights live (default cpu)\n"
            + "  --dtype D             auto|float32|bfloat16|float16|float16-compute: how the weights are kept\n"
            + "  --batch N             requests decoding at once, for the memory plan (default 1)\n"
            + "  --gen-length N        answer length for the KV cache estimate (default "
            + DecodingOptions.DEFAULT_GEN_LENGTH + ")\n"
            + "  --prompt-length N     prompt tokens for the estimate (default: the card's first example, else 0)\n"
            + "  --prompt TEXT         count the prompt's tokens instead (as a chat user message)\n";
    private static final List<String> OWN_FLAGS = List.of("--gen-length", "--prompt-length", "--prompt", "--batch");

    /** Bytes per element the engine computes in: fp32 activations and caches. */
    static final int LOADED_BYTES = 4;
    private static final int BF16_BYTES = 2;

    private InfoCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        EngineArgs shared = new EngineArgs();
        int genLength = DecodingOptions.DEFAULT_GEN_LENGTH;
        Integer promptLength = null;
        String prompt = null;
        int batch = 1;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    out.print(USAGE);
                    return 0;
                }
                if (!EngineArgs.MODEL_FLAGS.contains(flag) && !OWN_FLAGS.contains(flag)) {
                    throw new IllegalArgumentException((flag.startsWith("-") ? "unknown option " + flag
                            : "unexpected argument '" + flag + "'") + "; elastic-cache info --help lists the options");
                }
                String v = EngineArgs.valueAfter(args, i++);
                if (!shared.acceptModel(flag, v)) {
                    switch (flag) {
                        case "--gen-length" -> genLength = positive(flag, EngineArgs.integer(flag, v));
                        case "--prompt-length" -> promptLength = nonNegative(flag, EngineArgs.integer(flag, v));
                        case "--batch" -> batch = positive(flag, EngineArgs.integer(flag, v));
                        default -> prompt = v;
                    }
                }
            }
            if (promptLength != null && prompt != null) {
                throw new IllegalArgumentException("give --prompt-length or --prompt, not both");
            }
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        try (ElasticCacheEngine engine = shared.load(err)) {
            print(out, engine, shared.embedded(), genLength, promptLength, prompt, batch);
            return 0;
        } catch (RuntimeException | IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static void print(PrintStream out, ElasticCacheEngine engine, boolean embedded, int genLength,
            Integer promptLength, String prompt, int batch) throws IOException {
        ModelInfo info = engine.modelInfo();
        if (info.family() != dev.elasticcache.model.ModelFamily.LLADA) {
            printOtherFamily(out, engine);
            printPlan(out, engine, promptLength == null ? 0 : promptLength, genLength, batch);
            return;
        }
        LladaConfig c = info.config();
        Path folder = info.folder();
        JsonObject rawConfig = JsonParser.parseString(
                Files.readString(folder.resolve(LladaCheckpoint.CONFIG_FILE), StandardCharsets.UTF_8)).getAsJsonObject();
        row(out, "model", info.name() + (embedded ? " (embedded in elastic-cache-core)" : ""));
        row(out, "folder", folder.toString());
        row(out, "family", string(rawConfig, "model_type", "(no model_type in config.json)")
                + architectures(rawConfig));
        row(out, "parameters", info.parameters() + " (" + millions(info.parameters()) + ")");
        row(out, "layers", String.valueOf(c.nLayers()));
        row(out, "d_model", String.valueOf(c.dModel()));
        row(out, "heads", c.nHeads() + " (head dim " + c.headDim() + ")");
        row(out, "kv heads", String.valueOf(c.nKvHeads()));
        row(out, "mlp hidden", String.valueOf(c.mlpHiddenSize()));
        row(out, "vocab", c.vocabSize() + " (embedding rows " + c.embeddingSize() + (c.weightTying() ? ", head tied" : "") + ")");
        row(out, "max sequence", c.maxSequenceLength() + " tokens");
        row(out, "mask / eos / pad", c.maskTokenId() + " / " + c.eosTokenId() + " / " + c.padTokenId()
                + " (end of turn " + engine.tokenizer().eotTokenId() + ")");

        try (CheckpointReader reader = CheckpointReader.open(folder)) {
            TreeSet<String> dtypes = new TreeSet<>();
            for (String name : reader.tensorNames()) {
                DType t = reader.info(name).dtype();
                dtypes.add(t.safetensorsName());
            }
            long disk = 0;
            for (SafetensorsFile f : reader.files()) {
                disk += Files.size(f.path());
            }
            row(out, "weights on disk", String.join("+", dtypes) + ", " + bytes(disk) + " in " + reader.files().size()
                    + (reader.files().size() == 1 ? " file (" + reader.files().get(0).path().getFileName() + ")" : " shards"));
        }
        row(out, "dtype", engine.config().dtype().spelling() + " -> " + (engine.diffusionModel().weightFootprint().mapped()
                ? "16-bit weights mapped from the checkpoint, widened to fp32 per matrix" : "fp32 weights in memory"));
        long perToken = kvBytesPerToken(c, LOADED_BYTES);
        row(out, "KV cache per token", perToken + " B = 2 x " + c.nLayers() + " layers x " + c.nKvHeads() + " kv heads x "
                + c.headDim() + " head dim x " + LOADED_BYTES + " B (fp32); bf16 " + kvBytesPerToken(c, BF16_BYTES) + " B");
        String promptSource;
        int promptTokens;
        if (promptLength != null) {
            promptTokens = promptLength;
            promptSource = "--prompt-length";
        } else if (prompt != null) {
            promptTokens = engine.tokenizer().encodeChat(List.of(ChatMessage.user(prompt))).length;
            promptSource = "--prompt as a chat message";
        } else if (!info.card().examples().isEmpty()) {
            Map.Entry<String, String> first = info.card().examples().entrySet().iterator().next();
            promptTokens = engine.tokenizer().encodeChat(List.of(ChatMessage.user(first.getValue()))).length;
            promptSource = "the card's " + first.getKey() + " example as a chat message";
        } else {
            promptTokens = 0;
            promptSource = "no prompt given";
        }
        int tokens = promptTokens + genLength;
        row(out, "KV cache, request", bytes(perToken * tokens) + " for " + promptTokens + " prompt + " + genLength
                + " answer = " + tokens + " tokens (prompt: " + promptSource + ")"
                + (tokens > c.maxSequenceLength() ? "; over the max sequence length" : ""));
        row(out, "KV cache, full", bytes(perToken * c.maxSequenceLength()) + " at the max sequence length "
                + c.maxSequenceLength());
        long elastic = elasticBytesPerToken(c, LOADED_BYTES);
        row(out, "elastic cache", elastic + " B per token (K, V, post-RoPE Q and layer input of every layer), "
                + bytes(elastic * tokens) + " for the request");
        row(out, "device", info.device());
        row(out, "load time", String.format(Locale.ROOT, "%.3f s", info.loadTime().toNanos() / 1e9));
        printPlan(out, engine, promptTokens, genLength, batch);

        ModelCard card = info.card();
        if (card.isTaskModel()) {
            row(out, "task families", String.join(", ", card.families()) + " (" + ModelCard.FILE + ": a task model, not open chat)");
            for (Map.Entry<String, String> e : card.examples().entrySet()) {
                row(out, "example " + e.getKey(), e.getValue());
            }
        } else {
            row(out, "task families", "none listed (no " + ModelCard.FILE + " with tasks): a general model");
        }
        boolean infillFile = Files.isRegularFile(folder.resolve(InfillSettings.FILE));
        InfillSettings infill = InfillSettings.read(folder);
        int filler = infill.fillerTokenId() >= 0 ? infill.fillerTokenId() : engine.tokenizer().eosTokenId();
        row(out, "infill", "filler token " + filler + " " + new Gson().toJson(engine.tokenizer().decode(new int[] {filler}, false))
                + (infill.fillerTokenId() >= 0 ? "" : " (the EOS, default)") + ", values "
                + infill.alignment().name().toLowerCase(Locale.ROOT) + "-aligned"
                + (infillFile ? " (" + InfillSettings.FILE + ")" : " (defaults: no " + InfillSettings.FILE + ")"));
        if (embedded) {
            row(out, "embedded resource", EmbeddedModel.resourceFolder(engine.modelInfo().name()));
        }
    }

    /** The family-neutral facts of a non-LLaDA model (Dream): no LLaDA config, infill or cache sizing rows yet. */
    private static void printOtherFamily(PrintStream out, ElasticCacheEngine engine) {
        ModelInfo info = engine.modelInfo();
        dev.elasticcache.model.DiffusionModel m = engine.diffusionModel();
        row(out, "model", info.name());
        row(out, "folder", info.folder().toString());
        row(out, "family", info.family().displayName() + " (logits shifted: row p-1 predicts position p)");
        row(out, "parameters", info.parameters() + " (" + millions(info.parameters()) + ")");
        row(out, "layers", String.valueOf(m.layers()));
        row(out, "hidden", String.valueOf(m.hiddenSize()));
        row(out, "heads", m.heads() + " (head dim " + m.headDim() + ")");
        row(out, "kv heads", String.valueOf(m.kvHeads()));
        row(out, "mlp hidden", String.valueOf(m.mlpHiddenSize()));
        row(out, "vocab", engine.textTokenizer().vocabSize() + " tokenizer ids (head rows " + m.logitsWidth() + ")");
        row(out, "max sequence", m.maxLength() + " tokens (as loaded)");
        String stops = engine.dreamTokenizer().flatMap(t -> t.imEndTokenId().isPresent()
                ? java.util.Optional.of(" / <|im_end|> " + t.imEndTokenId().getAsInt()) : java.util.Optional.empty()).orElse("");
        row(out, "mask / eos", m.maskTokenId() + " / " + m.eosTokenId() + " (stops: <|endoftext|> " + m.eosTokenId() + stops + ")");
        row(out, "device", info.device());
        row(out, "load time", String.format(Locale.ROOT, "%.3f s", info.loadTime().toNanos() / 1e9));
    }

    /** The memory plan: weights, runtime, per-request activations and caches, and whether it fits. */
    private static void printPlan(PrintStream out, ElasticCacheEngine engine, int promptTokens, int genLength, int batch) {
        Strategy strategy = engine.defaultOptions().strategy();
        MemoryPlan plan = engine.memoryPlan(promptTokens, genLength, strategy, batch);
        row(out, "memory plan", promptTokens + " prompt + " + genLength + " answer tokens, " + batch + " at once, "
                + strategy.id());
        for (String line : plan.lines()) {
            out.println("  " + line);
        }
    }

    /** K and V of every layer for one token: {@code 2 * layers * kv_heads * head_dim * bytes}. */
    static long kvBytesPerToken(LladaConfig c, int bytesPerElement) {
        return 2L * c.nLayers() * c.nKvHeads() * c.headDim() * bytesPerElement;
    }

    /** What the Elastic-Cache decoder keeps per token and layer: K, V, the post-RoPE Q and the layer input. */
    static long elasticBytesPerToken(LladaConfig c, int bytesPerElement) {
        long perLayer = 2L * c.nKvHeads() * c.headDim() + (long) c.nHeads() * c.headDim() + c.dModel();
        return perLayer * c.nLayers() * bytesPerElement;
    }

    private static void row(PrintStream out, String label, String value) {
        out.printf(Locale.ROOT, "%-20s %s%n", label, value);
    }

    private static String string(JsonObject o, String key, String absent) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? absent : e.getAsString();
    }

    private static String architectures(JsonObject o) {
        JsonElement e = o.get("architectures");
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(" (architecture ");
        for (int i = 0; i < e.getAsJsonArray().size(); i++) {
            s.append(i == 0 ? "" : ", ").append(e.getAsJsonArray().get(i).getAsString());
        }
        return s.append(')').toString();
    }

    private static String millions(long n) {
        return n >= 1_000_000_000L ? String.format(Locale.ROOT, "%.2f B", n / 1e9) : String.format(Locale.ROOT, "%.2f M", n / 1e6);
    }

    /** Exact bytes and a binary-prefixed size. */
    static String bytes(long b) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        if (b < 1024) {
            return b + " B";
        }
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%d B (%.2f %s)", b, v, units[u]);
    }

    private static int positive(String flag, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(flag + " must be > 0, got " + v);
        }
        return v;
    }

    private static int nonNegative(String flag, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(flag + " must be >= 0, got " + v);
        }
        return v;
    }
}
