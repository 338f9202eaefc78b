package dev.elasticcache.decode;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import dev.elasticcache.TokenIds;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.structured.Canvas;
import dev.elasticcache.structured.CanvasBuilder;
import dev.elasticcache.structured.ChoiceRegion;
import dev.elasticcache.structured.Resolution;
import dev.elasticcache.structured.SchemaNode;
import dev.elasticcache.structured.ToolCallLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Decodes an answer into a fixed canvas: a JSON Schema document or tool calls, with any strategy.
 *
 * <p>First the choices (enum values, booleans, null or a value, array items, the tool name) are made by the
 * model's own scores: one cache-free forward over the prompt and the canvas with every undecided choice
 * masked scores all of them at once (mean log-probability of each candidate's known tokens); choices inside a
 * decided one are made in the next pass. Then the strategy decodes the slots of the now fixed canvas, each
 * slot position restricted to the tokens its kind admits; a filler ends a slot's value. Reading the canvas back
 * canonicalises the values, so the document is valid against its schema whatever the model predicts.
 */
public final class StructuredDecoder {
    private final DiffusionModel model;
    private final CanvasBuilder builder;
    private final int[] trailer;
    private final Decoder decoder;

    /**
     * @param trailer fixed tokens after the canvas (end of turn and EOS padding, as the model saw answers end)
     */
    public StructuredDecoder(DiffusionModel model, CanvasBuilder builder, int[] trailer, Strategy strategy) {
        this.model = model;
        this.builder = builder;
        this.trailer = trailer.clone();
        this.decoder = Decoder.of(strategy);
    }

    /** Hooks of one decoding: listener, cancellation, tracing. */
    public record Hooks(DecodeListener listener, BooleanSupplier cancelled, boolean tracing) {
        public static final Hooks NONE = new Hooks(null, null, false);
    }

    /** A decoded document and the run that filled its slots (statistics include the choice passes). */
    public record Document(JsonElement value, DecodeResult result) {}

    /**
     * One decoded call: the tool's index in the layout, its arguments, the run that decoded it, and the call's
     * canvas as decoded (fillers included).
     */
    public record Call(int tool, JsonElement arguments, DecodeResult result, int[] tokens) {}

    /** Decodes a document of {@code schema} after {@code prompt}. */
    public Document document(int[] prompt, SchemaNode schema, DecodingOptions options, Hooks hooks) {
        Resolution resolution = new Resolution();
        Filled filled = decideAndFill(prompt, r -> builder.canvas(schema, r), resolution, new ArrayList<>(), options, hooks);
        return new Document(builder.read(schema, resolution, filled.answer()), filled.result());
    }

    /**
     * Decodes one call after {@code prompt} (which holds the conversation and any calls made before this one):
     * the name first, then the chosen tool's arguments.
     */
    public Call call(int[] prompt, ToolCallLayout layout, DecodingOptions options, Hooks hooks) {
        List<ChoicePass> log = new ArrayList<>();
        Resolution names = new Resolution();
        Canvas nameCanvas = layout.nameCanvas(layout.widestArguments());
        checkCancelled(hooks);
        log.add(choose(prompt, nameCanvas.tokens(), nameCanvas.choices(), names));
        int tool = names.get("$name");
        Resolution resolution = new Resolution();
        Filled filled = decideAndFill(prompt, r -> layout.callCanvas(tool, r), resolution, log, options, hooks);
        return new Call(tool, layout.readArguments(tool, resolution, filled.answer()), filled.result(), filled.answer());
    }

    /** The run that filled a canvas and the canvas's decoded tokens. */
    private record Filled(DecodeResult result, int[] answer) {}

    /** Makes the canvas's choices pass by pass (each pass decides the outermost open ones), then fills its slots. */
    private Filled decideAndFill(int[] prompt, java.util.function.Function<Resolution, Canvas> layout, Resolution resolution,
            List<ChoicePass> log, DecodingOptions options, Hooks hooks) {
        Canvas canvas = layout.apply(resolution);
        while (!canvas.choices().isEmpty()) {
            checkCancelled(hooks);
            log.add(choose(prompt, canvas.tokens(), canvas.choices(), resolution));
            canvas = layout.apply(resolution);
        }
        DecodeResult result = fill(prompt, canvas, log, options, hooks);
        return new Filled(result, Arrays.copyOfRange(result.sequence(), prompt.length, prompt.length + canvas.length()));
    }

    /**
     * The call test of tool choice {@code auto}: one cache-free forward over {@code prompt} followed by
     * {@code masks} masked positions; true when {@code marker} is the most likely token at the first of them.
     */
    public boolean startsWith(int[] prompt, int masks, int marker) {
        int[] tokens = Arrays.copyOf(prompt, prompt.length + masks);
        Arrays.fill(tokens, prompt.length, tokens.length, model.maskTokenId());
        float[] logits = logits(tokens, new int[] {prompt.length});
        int best = 0;
        for (int v = 1; v < logits.length; v++) {
            if (logits[v] > logits[best]) {
                best = v;
            }
        }
        return best == marker;
    }

    /** What a choice pass decided: the region positions (relative to the answer) and the tokens written there. */
    private record ChoicePass(int[] positions, int[] tokens, int length) {}

    /** One forward over prompt + canvas; every region's best candidate goes into {@code resolution}. */
    private ChoicePass choose(int[] prompt, int[] canvas, List<ChoiceRegion> regions, Resolution resolution) {
        int[] tokens = TokenIds.concat(prompt, canvas);
        int rows = regions.stream().mapToInt(ChoiceRegion::width).sum();
        int[] positions = new int[rows];
        int at = 0;
        for (ChoiceRegion r : regions) {
            for (int j = 0; j < r.width(); j++) {
                positions[at++] = prompt.length + r.start() + j;
            }
        }
        float[] logits = logits(tokens, positions);
        int vocab = logits.length / rows;
        int[] written = new int[rows];
        at = 0;
        for (ChoiceRegion r : regions) {
            double[][] logProbs = new double[r.width()][];
            for (int j = 0; j < r.width(); j++) {
                logProbs[j] = logSoftmax(logits, (at + j) * vocab, vocab);
            }
            int best = r.best(logProbs);
            resolution.put(r.key(), best);
            int[] chosen = r.candidates().get(best);
            for (int j = 0; j < r.width(); j++) {
                written[at + j] = chosen[j];
            }
            at += r.width();
        }
        int[] relative = new int[rows];
        for (int i = 0; i < rows; i++) {
            relative[i] = positions[i] - prompt.length;
        }
        return new ChoicePass(relative, written, tokens.length);
    }

    /** Decodes the slots of a decided canvas; the choice passes are accounted and traced as its first steps. */
    private DecodeResult fill(int[] prompt, Canvas canvas, List<ChoicePass> passes, DecodingOptions options, Hooks hooks) {
        int[] answer = TokenIds.concat(canvas.tokens(), trailer);
        AnswerCanvas ac = new AnswerCanvas(answer, canvas.slots(), builder.format(), canvas.length());
        DecodeRun run = new DecodeRun(model, prompt, ac, options, hooks.listener(), hooks.cancelled(), hooks.tracing());
        int n = prompt.length + answer.length;
        int layers = model.layers();
        int[] allRows = Forward.span(0, n);
        for (ChoicePass pass : passes) {
            // Each pass was a cache-free forward over all rows of the sequence it saw.
            run.countForward((long) pass.length() * layers, layers);
            int[] absolute = Arrays.stream(pass.positions()).map(p -> p + prompt.length).toArray();
            int[] tokens = pass.tokens();
            int[] kept = java.util.stream.IntStream.range(0, absolute.length)
                    .filter(i -> absolute[i] < run.length() && run.token(absolute[i]) == tokens[i]).toArray();
            run.commit(absolute, allRows, 0, new int[0], Arrays.stream(kept).map(i -> absolute[i]).toArray(),
                    Arrays.stream(kept).map(i -> tokens[i]).toArray());
        }
        return decoder.decode(run);
    }

    private float[] logits(int[] tokens, int[] rows) {
        try (NDManager scope = model.manager().newSubManager()) {
            return Forward.logitsAt(model.fused(), Forward.fullHidden(model, scope, tokens, Forward.LayerSink.NONE),
                    Forward.logitRows(model, rows));
        }
    }

    private static double[] logSoftmax(float[] logits, int from, int vocab) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, logits[from + v]);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(logits[from + v] - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[vocab];
        for (int v = 0; v < vocab; v++) {
            out[v] = logits[from + v] - log;
        }
        return out;
    }

    private static void checkCancelled(Hooks hooks) {
        if (hooks.cancelled() != null && hooks.cancelled().getAsBoolean()) {
            throw new DecodeCancelledException(0);
        }
    }

}
