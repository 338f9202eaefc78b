package dev.elasticcache.lab.tasks;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.decode.DecodeResult;
import dev.elasticcache.decode.DecodeRun;
import dev.elasticcache.decode.Decoder;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.StructuredDecoder;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.StructuredGeneration;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.structured.InfillLimits;
import dev.elasticcache.tokenizer.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decodes tasks with one of the project's decoders and scores them by exact match. Structured tasks take the
 * engine's own path ({@link StructuredGeneration}): a schema task is decoded by infilling; a task with tools
 * first runs tool choice {@code auto}'s call test, then decodes calls or text, so a wrong decision is a miss.
 */
public final class Evaluator {
    private final TaskEncoding encoding;
    private final DecodingOptions options;

    public Evaluator(TaskEncoding encoding, DecodingOptions options) {
        this.encoding = encoding;
        this.options = options.validate();
    }

    /** The reference setting: the llada decoder, gen length 128, block 32, one token per step. */
    public static DecodingOptions defaultOptions() {
        return DecodingOptions.builder().strategy("llada").genLength(128).blockLength(32).steps(0).build();
    }

    public DecodingOptions options() {
        return options;
    }

    public Evaluation evaluate(LladaModel model, List<Task> tasks) {
        return evaluate(model, tasks, o -> { });
    }

    /** Decodes every task in order; {@code progress} sees each outcome as it finishes. */
    public Evaluation evaluate(LladaModel model, List<Task> tasks, Consumer<Evaluation.Outcome> progress) {
        long start = System.nanoTime();
        StructuredGeneration structured = new StructuredGeneration(model, encoding.tokenizer(), encoding.format(),
                InfillLimits.DEFAULTS, dev.elasticcache.engine.EngineConfig.DEFAULT_MAX_TOOL_ROUNDS);
        List<Evaluation.Outcome> outcomes = new ArrayList<>(tasks.size());
        for (Task task : tasks) {
            String decoded = task.structured() || !task.tools().isEmpty() ? structured(structured, model, task) : text(model, task);
            Evaluation.Outcome outcome = new Evaluation.Outcome(task, decoded, Scoring.exactMatch(task.answer(), decoded));
            outcomes.add(outcome);
            progress.accept(outcome);
        }
        return new Evaluation(outcomes, (System.nanoTime() - start) / 1e9);
    }

    private String text(LladaModel model, Task task) {
        int eot = encoding.tokenizer().eotTokenId();
        DecodeResult result = Decoder.of(options.strategy())
                .decode(DecodeRun.of(model, encoding.promptIds(task), options).withTerminators(eot));
        return encoding.answerText(result.generated());
    }

    /** The answer as the engine gives it: the document, the call as {@code {"name":..,"arguments":..}}, or text. */
    private String structured(StructuredGeneration structured, LladaModel model, Task task) {
        int[] prompt = encoding.promptIds(task);
        GenerationRequest request = GenerationRequest.builder().messages(task.messages()).tools(task.tools())
                .outputSchema(task.outputSchema()).options(options).build();
        StructuredGeneration.Plan plan = structured.plan(request, prompt.length, options);
        StructuredGeneration.Decision decision = structured.decideCall(plan, prompt, options);
        if (decision.call()) {
            List<ToolCall> calls = structured.calls(plan, prompt, options, StructuredDecoder.Hooks.NONE, null).calls();
            ToolCall first = calls.get(0);
            JsonObject call = new JsonObject();
            call.addProperty("name", first.name());
            call.add("arguments", JsonParser.parseString(first.arguments()));
            return calls.size() == 1 ? call.toString() : call + " (+" + (calls.size() - 1) + " more calls)";
        }
        if (plan.schema() != null) {
            return structured.document(plan, prompt, options, StructuredDecoder.Hooks.NONE, null).json();
        }
        return text(model, task);
    }
}
