package dev.elasticcache.engine;

import dev.elasticcache.TokenIds;
import dev.elasticcache.decode.DecodeResult;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.decode.StepRecord;
import dev.elasticcache.decode.StructuredDecoder;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.structured.CanvasBuilder;
import dev.elasticcache.structured.InfillFormat;
import dev.elasticcache.structured.InfillLimits;
import dev.elasticcache.structured.JsonSchemaCompiler;
import dev.elasticcache.structured.SchemaNode;
import dev.elasticcache.tokenizer.ToolCall;
import dev.elasticcache.structured.ToolCallLayout;
import dev.elasticcache.structured.ToolChoice;
import dev.elasticcache.structured.ToolPrompt;
import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TokenText;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Answers that follow a schema or call tools, by infilling (see {@link StructuredDecoder}).
 *
 * <p>Tool choice: {@code none} decodes text (or the schema's document); {@code required} decodes a call at once;
 * {@code auto} runs one cache-free forward over the prompt and an all-mask answer and calls a tool when the
 * first token of {@code <tool_call>} is the most likely first answer token, else decodes text (or the schema's
 * document). After each call the same test, one position after it, decides whether another call follows (up to
 * {@link #MAX_CALLS}).
 */
public final class StructuredGeneration {
    /** Calls in one answer at most. */
    public static final int MAX_CALLS = 4;
    /** EOS positions after a canvas's end-of-turn, as answers end in training. */
    private static final int TRAILING_EOS = 8;
    /** Masks after a call when testing for another one. */
    private static final int PROBE = 16;
    private static final SecureRandom IDS = new SecureRandom();

    private final DiffusionModel model;
    private final TokenText tokenizer;
    private final CanvasBuilder builder;
    private final InfillLimits limits;
    private final JsonSchemaCompiler compiler;
    private final int[] trailer;
    private final int marker;
    private final int maxToolRounds;

    /** Over a LLaDA tokenizer: the canvas ends with {@code <|eot_id|>} and EOS. */
    public StructuredGeneration(DiffusionModel model, LladaTokenizer tokenizer, InfillFormat format, InfillLimits limits,
            int maxToolRounds) {
        this(model, tokenizer, tokenizer.eosTokenId(), tokenizer.eotTokenId(), format, limits, maxToolRounds);
    }

    /**
     * @param tokenizer the model's tokenizer
     * @param eosTokenId EOS, which pads the canvas's trailer
     * @param endOfTurnTokenId the token that ends an assistant turn, right after the canvas
     */
    public StructuredGeneration(DiffusionModel model, TokenText tokenizer, int eosTokenId, int endOfTurnTokenId,
            InfillFormat format, InfillLimits limits, int maxToolRounds) {
        this.maxToolRounds = maxToolRounds;
        this.model = model;
        this.tokenizer = tokenizer;
        this.builder = new CanvasBuilder(format);
        this.limits = limits;
        this.compiler = new JsonSchemaCompiler(limits);
        this.trailer = new int[1 + TRAILING_EOS];
        Arrays.fill(trailer, eosTokenId);
        trailer[0] = endOfTurnTokenId;
        this.marker = tokenizer.encode(ToolPrompt.CALL_OPEN)[0];
    }

    private StructuredGeneration(StructuredGeneration settings, DiffusionModel model) {
        this.model = model;
        this.tokenizer = settings.tokenizer;
        this.builder = settings.builder;
        this.limits = settings.limits;
        this.compiler = settings.compiler;
        this.trailer = settings.trailer;
        this.marker = settings.marker;
        this.maxToolRounds = settings.maxToolRounds;
    }

    /** The same canvases, limits and trailer over another model (one request's model with its image rows). */
    public StructuredGeneration over(DiffusionModel other) {
        return new StructuredGeneration(this, other);
    }

    public JsonSchemaCompiler compiler() {
        return compiler;
    }

    /**
     * What a structured request will decode, validated and sized on the caller's thread.
     *
     * @param widestCall canvas length of the longest call among the offered tools (0 without tools)
     */
    public record Plan(SchemaNode schema, ToolCallLayout tools, ToolChoice choice, int widestCall) {}

    /** Validates the schema and tools and checks that the canvases fit the context after {@code promptLength}. */
    public Plan plan(GenerationRequest request, int promptLength, DecodingOptions options) {
        SchemaNode schema = request.outputSchema() == null ? null : compiler.compile(request.outputSchema());
        ToolCallLayout tools = null;
        if (request.toolChoice() == ToolChoice.REQUIRED && request.tools().isEmpty()) {
            throw new IllegalArgumentException("tool choice 'required' needs at least one tool; add tools or use 'auto'");
        }
        ToolChoice choice = toolRounds(request.messages()) >= maxToolRounds ? ToolChoice.NONE : request.toolChoice();
        if (!request.tools().isEmpty() && choice != ToolChoice.NONE) {
            tools = new ToolCallLayout(builder, request.tools(), compiler, limits);
        }
        int max = model.maxLength();
        if (schema != null) {
            requireFits(promptLength, builder.width(schema) + trailer.length, max, "the output schema's template");
        }
        int widestCall = tools == null ? 0 : widestCall(tools);
        if (tools != null) {
            requireFits(promptLength, widestCall + trailer.length + PROBE, max, "the tool-call template");
        }
        return new Plan(schema, tools, choice, widestCall);
    }

    /** Assistant turns of tool calls since the last user turn: the rounds of the tool loop so far. */
    static int toolRounds(List<ChatMessage> messages) {
        int rounds = 0;
        if (messages == null) {
            return 0;
        }
        for (int i = messages.size() - 1; i >= 0 && messages.get(i).role() != ChatMessage.Role.USER; i--) {
            if (messages.get(i).role() == ChatMessage.Role.ASSISTANT && !messages.get(i).toolCalls().isEmpty()) {
                rounds++;
            }
        }
        return rounds;
    }

    /** Canvas length of the longest call among the offered tools. */
    private static int widestCall(ToolCallLayout tools) {
        int widest = 0;
        for (int i = 0; i < tools.tools().size(); i++) {
            widest = Math.max(widest, tools.callCanvas(i, new dev.elasticcache.structured.Resolution()).length());
        }
        return widest;
    }

    private static void requireFits(int prompt, int canvas, int max, String what) {
        if (prompt + canvas > max) {
            throw new IllegalArgumentException(what + " (" + canvas + " tokens) does not fit after the prompt (" + prompt
                    + " tokens): " + (prompt + canvas) + " exceeds the model's max sequence length " + max
                    + "; shorten the prompt, lower maxLength/maxItems in the schema, or offer fewer tools");
        }
    }

    /** Outcome of {@link #decideCall}: whether to call, and the cost of deciding. */
    public record Decision(boolean call, DecodingStats cost) {}

    /** Tool choice {@code auto}'s test (free for {@code required}); the text path runs when it says no. */
    public Decision decideCall(Plan plan, int[] prompt, DecodingOptions options) {
        if (plan.tools() == null) {
            return new Decision(false, null);
        }
        if (plan.choice() == ToolChoice.REQUIRED) {
            return new Decision(true, null);
        }
        long start = System.nanoTime();
        boolean call = new StructuredDecoder(model, builder, trailer, options.strategy())
                .startsWith(prompt, options.genLength(), marker);
        return new Decision(call, empty(options).withFullForwards(1, prompt.length + options.genLength(),
                model.layers(), System.nanoTime() - start));
    }

    /** The answer's calls, each decoded after the conversation and the calls before it. */
    public Outcome calls(Plan plan, int[] prompt, DecodingOptions options, StructuredDecoder.Hooks hooks, DecodingStats cost) {
        StructuredDecoder decoder = new StructuredDecoder(model, builder, trailer, options.strategy());
        List<ToolCall> calls = new ArrayList<>();
        List<StepRecord> trace = new ArrayList<>();
        DecodingStats stats = cost;
        int[] context = prompt;
        DecodeResult last = null;
        while (calls.size() < MAX_CALLS) {
            StructuredDecoder.Call call = decoder.call(context, plan.tools(), options, hooks);
            last = call.result();
            trace.addAll(last.trace());
            stats = stats == null ? last.stats() : stats.plus(last.stats());
            String name = plan.tools().tools().get(call.tool()).name();
            calls.add(new ToolCall(newId(), name, call.arguments().toString()));
            // The answer goes on as decoded: the call's canvas, fillers and all (the state a model trained on
            // canvases knows); re-encoding the call as compact text would probe from a state it never saw.
            context = TokenIds.concat(context, call.tokens());
            if (calls.size() == MAX_CALLS
                    || context.length + plan.widestCall() + trailer.length + PROBE > model.maxLength()) {
                break;   // no room for another call: the answer ends with the calls made
            }
            long start = System.nanoTime();
            boolean another = decoder.startsWith(context, PROBE, marker);
            stats = stats.withFullForwards(1, context.length + PROBE, model.layers(), System.nanoTime() - start);
            if (!another) {
                break;
            }
        }
        return new Outcome(null, calls, stats, last, trace);
    }

    /** The schema's document. */
    public Outcome document(Plan plan, int[] prompt, DecodingOptions options, StructuredDecoder.Hooks hooks, DecodingStats cost) {
        StructuredDecoder.Document d = new StructuredDecoder(model, builder, trailer, options.strategy())
                .document(prompt, plan.schema(), options, hooks);
        DecodingStats stats = cost == null ? d.result().stats() : cost.plus(d.result().stats());
        return new Outcome(d.value().toString(), List.of(), stats, d.result(), d.result().trace());
    }

    /** A structured answer: the document or the calls, the summed statistics, the last run and the whole trace. */
    public record Outcome(String json, List<ToolCall> calls, DecodingStats stats, DecodeResult last, List<StepRecord> trace) {}

    private DecodingStats empty(DecodingOptions options) {
        return new DecodingStats(options.strategy(), 0, 0, 0, 0, 0, 0);
    }

    /** {@code call_} and 24 random alphanumerics, unique within any conversation. */
    static String newId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder sb = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) {
            sb.append(alphabet.charAt(IDS.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

}
