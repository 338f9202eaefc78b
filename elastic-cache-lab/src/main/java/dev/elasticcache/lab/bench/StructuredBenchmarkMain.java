package dev.elasticcache.lab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.decode.DecodeResult;
import dev.elasticcache.decode.DecodeRun;
import dev.elasticcache.decode.Decoder;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.decode.StructuredDecoder;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.StructuredGeneration;
import dev.elasticcache.lab.Args;
import dev.elasticcache.lab.tasks.RecordToSchemaJson;
import dev.elasticcache.lab.tasks.Task;
import dev.elasticcache.lab.tasks.TaskEncoding;
import dev.elasticcache.lab.tasks.TaskSuite;
import dev.elasticcache.lab.tasks.ToolCalling;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.structured.InfillLimits;
import dev.elasticcache.structured.InfillSettings;
import dev.elasticcache.tokenizer.ToolCall;
import dev.elasticcache.structured.ToolDefinition;
import dev.elasticcache.structured.ToolPrompt;
import dev.elasticcache.tokenizer.LladaTokenizer;
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
 * Structured output on the held-out {@code json} and {@code tool} tasks, two ways in one run, strategies and
 * modes interleaved prompt by prompt: <b>infilling</b> (the engine's path: fixed template, constrained slots,
 * model-scored choices) against <b>free decoding</b> followed by JSON extraction from the text (what local
 * engines without a diffusion canvas do: decode the answer, strip the model's padding token, take the outermost
 * {@code {...}}, parse it). Both are checked with networknt's JSON Schema validator (a call: its name must be
 * offered and its arguments valid); exact match compares the document (or name and arguments) with the
 * expected one; field fidelity (S3's measure, Xiong et al., ICLR 2026) is the share of expected fields (a call's
 * name and each argument) that the answer holds with exactly the expected value, over all prompts, a missing or
 * invalid answer counting none. Writes {@code structured.md} and {@code structured.csv}.
 *
 * <pre>
 * --model DIR        model folder (default: the embedded tiny-llada)
 * --suite NAME       task suite whose held-out json and tool tasks are run: shipped (default) or tools
 * --count N          prompts per family (default 20)
 * --strategies S,..  default llada,fast-dllm,fast-dllm-dual,elastic
 * --gen-length N     free decoding's answer length (default 192)
 * --out DIR          where structured.md and structured.csv go (default docs/benchmark)
 * </pre>
 */
public final class StructuredBenchmarkMain {
    private static final Set<String> FLAGS = Set.of("model", "out", "count", "strategies", "gen-length", "suite");
    private static final ObjectMapper JACKSON = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private StructuredBenchmarkMain() {}

    /** One mode of one strategy on one family: per-prompt figures. */
    private static final class Cell {
        int prompts;
        int valid;
        int exact;
        int fields;
        int fieldsRight;
        final List<Double> nfe = new ArrayList<>();
        final List<Double> tokensPerSecond = new ArrayList<>();
        final List<Double> seconds = new ArrayList<>();
    }

    public static void main(String[] argv) throws Exception {
        DjlDefaults.apply();
        Args args = Args.parse(argv, FLAGS);
        Path folder = args.has("model") ? Path.of(args.get("model", null)) : EmbeddedModel.folder();
        int count = args.getInt("count", 20);
        int genLength = args.getInt("gen-length", 192);
        Path out = Path.of(args.get("out", "docs/benchmark"));
        Files.createDirectories(out);
        List<String> variants = List.of(args.get("strategies", "llada,fast-dllm,fast-dllm-dual,elastic").split(","));
        List<Task> tasks = new ArrayList<>();
        Map<String, Integer> perFamily = new LinkedHashMap<>();
        for (Task t : TaskSuite.named(args.get("suite", "shipped")).evaluation(12 * count)) {
            boolean structuredFamily = t.family().equals(RecordToSchemaJson.NAME) || t.family().equals(ToolCalling.NAME);
            if (structuredFamily && perFamily.merge(t.family(), 1, Integer::sum) <= count) {
                tasks.add(t);
            }
        }
        Map<String, Cell> cells = new LinkedHashMap<>();
        long start = System.nanoTime();
        try (LladaModel model = LladaModel.load(folder); LladaTokenizer tokenizer = LladaTokenizer.open(folder)) {
            TaskEncoding encoding = new TaskEncoding(tokenizer, InfillSettings.read(folder));
            StructuredGeneration structured = new StructuredGeneration(model, tokenizer, encoding.format(), InfillLimits.DEFAULTS,
                    dev.elasticcache.engine.EngineConfig.DEFAULT_MAX_TOOL_ROUNDS);
            for (Task task : tasks) {
                for (String v : variants) {
                    DecodingOptions o = DecodingOptions.builder().strategy(v).genLength(genLength).blockLength(32)
                            .threshold(v.equals("llada") ? null : 0.9).windowLength(16).build();
                    measure(cells, key(task, v, "infilling"), () -> infill(structured, encoding, task, o), task);
                    measure(cells, key(task, v, "free + extraction"), () -> free(model, encoding, task, o), task);
                }
                System.out.printf(Locale.ROOT, "%s done (%.0f s)%n", task.prompt(), (System.nanoTime() - start) / 1e9);
            }
        }
        String md = table(cells, count, genLength, folder, (System.nanoTime() - start) / 1e9);
        Files.writeString(out.resolve("structured.md"), md);
        Files.writeString(out.resolve("structured.csv"), csv(cells));
        System.out.println(md);
    }

    /** What one decoding gave: the document or call as JSON text (null when none could be extracted), its cost. */
    private record Answer(String json, DecodingStats stats) {}

    private interface Run {
        Answer get();
    }

    private static String key(Task task, String strategy, String mode) {
        return task.family() + "|" + strategy + "|" + mode;
    }

    private static void measure(Map<String, Cell> cells, String key, Run run, Task task) throws Exception {
        long t0 = System.nanoTime();
        Answer a = run.get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Cell c = cells.computeIfAbsent(key, k -> new Cell());
        c.prompts++;
        c.nfe.add((double) a.stats().nfe());
        c.seconds.add(seconds);
        c.tokensPerSecond.add(a.stats().answerTokens() / seconds);
        Map<String, String> expected = dev.elasticcache.lab.tasks.Scoring.fields(task.answer());
        c.fields += expected.size();
        if (a.json() != null && valid(task, a.json())) {
            c.valid++;
            if (JsonParser.parseString(a.json()).equals(JsonParser.parseString(task.answer()))) {
                c.exact++;
            }
            Map<String, String> got = dev.elasticcache.lab.tasks.Scoring.fields(a.json());
            expected.forEach((k, v) -> c.fieldsRight += v.equals(got.get(k)) ? 1 : 0);
        }
    }

    /** The engine's path: schema document, or tool choice auto's test and then the call. */
    private static Answer infill(StructuredGeneration structured, TaskEncoding encoding, Task task, DecodingOptions o) {
        int[] prompt = encoding.promptIds(task);
        GenerationRequest request = GenerationRequest.builder().messages(task.messages()).tools(task.tools())
                .outputSchema(task.outputSchema()).options(o).build();
        StructuredGeneration.Plan plan = structured.plan(request, prompt.length, o);
        StructuredGeneration.Decision decision = structured.decideCall(plan, prompt, o);
        if (plan.schema() != null) {
            StructuredGeneration.Outcome d = structured.document(plan, prompt, o, StructuredDecoder.Hooks.NONE, decision.cost());
            return new Answer(d.json(), d.stats());
        }
        if (!decision.call()) {
            return new Answer(null, decision.cost());
        }
        StructuredGeneration.Outcome c = structured.calls(plan, prompt, o, StructuredDecoder.Hooks.NONE, decision.cost());
        ToolCall first = c.calls().get(0);
        return new Answer(callJson(first.name(), first.arguments()), c.stats());
    }

    /** Free decoding of the whole answer, then extraction of the outermost JSON object from its text. */
    private static Answer free(LladaModel model, TaskEncoding encoding, Task task, DecodingOptions o) {
        LladaTokenizer tokenizer = encoding.tokenizer();
        DecodeResult r = Decoder.of(o.strategy()).decode(DecodeRun.of(model, encoding.promptIds(task), o)
                .withTerminators(tokenizer.eotTokenId()));
        int[] ids = Arrays.stream(dev.elasticcache.lab.tasks.Scoring.answerIds(r.generated(), tokenizer.eosTokenId(),
                tokenizer.eotTokenId(), tokenizer.maskTokenId())).filter(id -> id != encoding.format().filler()).toArray();
        String text = tokenizer.decode(ids);
        if (task.expectsCall()) {
            int open = text.indexOf(ToolPrompt.CALL_OPEN);
            int close = text.indexOf(ToolPrompt.CALL_CLOSE);
            text = open >= 0 && close > open ? text.substring(open + ToolPrompt.CALL_OPEN.length(), close) : text;
        }
        int from = text.indexOf('{');
        int to = text.lastIndexOf('}');
        String json = null;
        if (from >= 0 && to > from) {
            try {
                JsonElement e = JsonParser.parseString(text.substring(from, to + 1));
                json = e.isJsonObject() ? e.toString() : null;
            } catch (RuntimeException malformed) {
                json = null;
            }
        }
        return new Answer(json, r.stats());
    }

    private static String callJson(String name, String arguments) {
        JsonObject call = new JsonObject();
        call.addProperty("name", name);
        call.add("arguments", JsonParser.parseString(arguments));
        return call.toString();
    }

    /** A document valid against the task's schema, or a call of an offered tool with valid arguments. */
    private static boolean valid(Task task, String json) throws Exception {
        if (task.outputSchema() != null) {
            return SCHEMAS.getSchema(task.outputSchema()).validate(JACKSON.readTree(json)).isEmpty();
        }
        JsonObject call = JsonParser.parseString(json).getAsJsonObject();
        if (!call.has("name") || !call.get("name").isJsonPrimitive() || !call.has("arguments")) {
            return false;
        }
        for (ToolDefinition tool : task.tools()) {
            if (tool.name().equals(call.get("name").getAsString())) {
                return SCHEMAS.getSchema(tool.parametersSchema()).validate(JACKSON.readTree(call.get("arguments").toString()))
                        .isEmpty();
            }
        }
        return false;
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String table(Map<String, Cell> cells, int count, int genLength, Path folder, double seconds) {
        StringBuilder sb = new StringBuilder("# Structured output: infilling against free decoding\n\n");
        sb.append(String.format(Locale.ROOT, "Model `%s`; held-out `json` and `tool` prompts (%d per family), gen length %d "
                + "(free decoding), block 32, threshold 0.9, Elastic-Cache window 16 and gamma 0.9; %.1f minutes in one run.%n%n",
                folder.getFileName(), count, genLength, seconds / 60));
        sb.append("| family | strategy | mode | prompts | valid | exact match | field fidelity | NFE (median) | tokens/s (median) | seconds per answer (median) |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        cells.forEach((k, c) -> {
            String[] p = k.split("\\|");
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.1f%% | %.1f%% | %.1f%% | %.0f | %.1f | %.2f |%n", p[0], p[1], p[2],
                    c.prompts, 100.0 * c.valid / c.prompts, 100.0 * c.exact / c.prompts, 100.0 * c.fieldsRight / c.fields, median(c.nfe),
                    median(c.tokensPerSecond), median(c.seconds)));
        });
        return sb.toString();
    }

    private static String csv(Map<String, Cell> cells) {
        StringBuilder sb = new StringBuilder("family,strategy,mode,prompts,valid,exact,fields,fields_right,nfe_median,tokens_per_second_median,seconds_median\n");
        cells.forEach((k, c) -> {
            String[] p = k.split("\\|");
            sb.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%d,%d,%d,%.1f,%.2f,%.3f%n", p[0], p[1], p[2], c.prompts, c.valid, c.exact,
                    c.fields, c.fieldsRight,
                    median(c.nfe), median(c.tokensPerSecond), median(c.seconds)));
        });
        return sb.toString();
    }
}
