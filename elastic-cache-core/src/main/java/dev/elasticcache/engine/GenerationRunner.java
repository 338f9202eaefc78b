package dev.elasticcache.engine;

import dev.elasticcache.batch.StepBatcher;
import dev.elasticcache.decode.DecodeCancelledException;
import dev.elasticcache.decode.DecodeResult;
import dev.elasticcache.decode.DecodeRun;
import dev.elasticcache.decode.Decoder;
import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.decode.StructuredDecoder;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.tokenizer.TokenText;
import dev.elasticcache.vision.ImageRowsModel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Decodes one admitted request on a decoding thread: free text (streamed as its finished prefix grows, cut at stop
 * sequences) or a structured answer (tool calls or a schema document by infilling), on the engine's model or, for a
 * request with images, on the model with the images' rows spliced in; and builds its {@link GenerationResult}.
 */
final class GenerationRunner {
    private final DiffusionModel model;
    /** The model requests decode on: {@link #model}, or its batched wrapper. */
    private final DiffusionModel decodingModel;
    private final StepBatcher batcher;
    private final TokenText text;
    /** EOS, then the end-of-turn token: where an answer ends. */
    private final int[] stopIds;
    private final ModelInfo info;
    private final StructuredGeneration structured;
    private final BooleanSupplier closed;

    GenerationRunner(DiffusionModel model, DiffusionModel decodingModel, StepBatcher batcher, TokenText text, int[] stopIds,
            ModelInfo info, StructuredGeneration structured, BooleanSupplier closed) {
        this.model = model;
        this.decodingModel = decodingModel;
        this.batcher = batcher;
        this.text = text;
        this.stopIds = stopIds;
        this.info = info;
        this.structured = structured;
        this.closed = closed;
    }

    GenerationResult decode(PreparedRequest request, GenerationHandle handle, GenerationListener listener,
            long deadline, Duration timeout) {
        if (request.images() != null) {
            // One spliced model per request: its image rows serve the structured and the text path alike.
            try (ImageRowsModel withImages = new ImageRowsModel(decodingModel, request.images(), model.logitsWidth())) {
                return decode(withImages, request, handle, listener, deadline, timeout);
            }
        }
        return decode(decodingModel, request, handle, listener, deadline, timeout);
    }

    private GenerationResult decode(DiffusionModel decoding, PreparedRequest request, GenerationHandle handle,
            GenerationListener listener, long deadline, Duration timeout) {
        return request.plan() != null ? decodeStructured(decoding, request, handle, listener, deadline, timeout)
                : decodeText(decoding, request, handle, listener, deadline, timeout);
    }

    /** Free-text decoding of a prepared request on {@code decoding} (the engine's model, or it with image rows). */
    private GenerationResult decodeText(DiffusionModel decoding, PreparedRequest request, GenerationHandle handle,
            GenerationListener listener, long deadline, Duration timeout) {
        int[] terminators = stopIds;
        AnswerText answer = new AnswerText(text, request.promptIds().length, model.maskTokenId(),
                terminators, request.stopSequences());
        DecodeRun run = new DecodeRun(decoding, request.promptIds(), request.options(), (step, sequence) -> outside(() -> {
            listener.onStep(step);
            String delta = answer.advance(sequence, false);
            if (!delta.isEmpty()) {
                listener.onText(delta);
            }
        }), () -> handle.isCancelled() || answer.stopped() || System.nanoTime() > deadline || closed.getAsBoolean(), request.trace())
                .withTerminators(Arrays.copyOfRange(stopIds, 1, stopIds.length));
        if (text.vocabSize() < model.logitsWidth()) {
            // Padding rows of the head (Dream-7B: 152064 logits, 151667 ids; a LLaDA embedding padded past its
            // tokenizer) are never emitted: the tokenizer could not write them.
            run.withVocabularyLimit(text.vocabSize());
        }
        DecodeResult result;
        try {
            result = Decoder.of(request.options().strategy()).decode(run);
        } catch (DecodeCancelledException e) {
            if (!answer.stopped()) {
                throw System.nanoTime() > deadline ? new GenerationTimeoutException(timeout) : e;
            }
            result = run.finish();
        }
        String delta = answer.advance(result.sequence(), true);
        if (!delta.isEmpty()) {
            outside(() -> listener.onText(delta));
        }
        FinishReason reason = answer.stopped() ? FinishReason.STOP_SEQUENCE
                : result.stats().answerTokens() < request.options().genLength() ? FinishReason.STOP : FinishReason.LENGTH;
        int generated = answer.stopped() ? text.encode(answer.text()).length : result.stats().answerTokens();
        boolean empty = reason == FinishReason.STOP && result.stats().answerTokens() == 0;
        return new GenerationResult(answer.text(), empty ? FinishReason.EMPTY : reason,
                new Usage(request.promptIds().length, generated), result.stats(), request.promptIds(), result.sequence(),
                result.trace(), null, List.of(), List.of(), empty ? info.card().emptyAnswerHint() : null);
    }

    /**
     * A schema document or tool calls (a text answer when tool choice {@code auto} decides against a call and
     * there is no schema). The document streams as one piece once it is complete: its values are filled out of
     * order and only the whole canvas is guaranteed valid.
     */
    private GenerationResult decodeStructured(DiffusionModel decoding, PreparedRequest request,
            GenerationHandle handle, GenerationListener listener, long deadline, Duration timeout) {
        StructuredGeneration structured = this.structured.over(decoding);
        StructuredGeneration.Plan plan = request.plan();
        StructuredDecoder.Hooks hooks = new StructuredDecoder.Hooks((step, sequence) -> outside(() -> listener.onStep(step)),
                () -> handle.isCancelled() || System.nanoTime() > deadline || closed.getAsBoolean(), request.trace());
        try {
            StructuredGeneration.Decision decision = structured.decideCall(plan, request.promptIds(), request.options());
            if (!decision.call() && plan.schema() == null) {
                GenerationResult text = decodeText(decoding, request.withoutPlan(), handle, listener, deadline, timeout);
                DecodingStats stats = decision.cost() == null ? text.stats() : decision.cost().plus(text.stats());
                return new GenerationResult(text.text(), text.finishReason(), text.usage(), stats, text.promptIds(),
                        text.sequence(), text.trace(), null, List.of(), List.of(), text.hint());
            }
            StructuredGeneration.Outcome o = decision.call()
                    ? structured.calls(plan, request.promptIds(), request.options(), hooks, decision.cost())
                    : structured.document(plan, request.promptIds(), request.options(), hooks, decision.cost());
            String text = o.json() == null ? "" : o.json();
            if (!text.isEmpty()) {
                outside(() -> listener.onText(text));
            }
            FinishReason reason = o.calls().isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS;
            return new GenerationResult(text, reason, new Usage(request.promptIds().length, o.stats().answerTokens()),
                    o.stats(), request.promptIds(), o.last().sequence(), o.trace(), o.json(), o.calls(), o.last().slots(), null);
        } catch (DecodeCancelledException e) {
            throw System.nanoTime() > deadline ? new GenerationTimeoutException(timeout) : e;
        }
    }

    /** Runs a listener callback so that the batch does not wait for it (a slow client stalls only its own request). */
    private void outside(Runnable callback) {
        if (batcher == null) {
            callback.run();
        } else {
            batcher.outside(callback);
        }
    }
}
