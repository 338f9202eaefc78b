package dev.elasticcache.engine;

import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.decode.StepRecord;
import dev.elasticcache.structured.Slot;
import dev.elasticcache.tokenizer.ToolCall;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of a generation.
 *
 * @param text the answer text (special tokens removed, cut at the end token or stop sequence); with an output
 *     schema the JSON document; empty when the answer is tool calls
 * @param finishReason why it ended
 * @param usage prompt and answer token counts
 * @param stats decoding cost figures (NFE, recompute fraction, tokens per second, ...), summed over every pass
 * @param promptIds the prompt's token ids
 * @param sequence the whole decoded sequence, prompt included (of the last run when there were several)
 * @param trace per-step records when the request asked for a trace, else empty
 * @param json the document when the request had an output schema and the answer is not a tool call, else null
 * @param toolCalls the calls when the answer is tool calls, else empty
 * @param slots the value slots of the last structured run (absolute positions in {@code sequence}), else empty
 * @param hint for an {@link FinishReason#EMPTY empty} answer, why and what to try (see {@link ModelCard}); else null
 */
public record GenerationResult(
        String text, FinishReason finishReason, Usage usage, DecodingStats stats, int[] promptIds, int[] sequence,
        List<StepRecord> trace, String json, List<ToolCall> toolCalls, List<Slot> slots, String hint) {

    public GenerationResult {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        slots = slots == null ? List.of() : List.copyOf(slots);
    }

    /** A text answer. */
    public GenerationResult(String text, FinishReason finishReason, Usage usage, DecodingStats stats, int[] promptIds,
            int[] sequence, List<StepRecord> trace) {
        this(text, finishReason, usage, stats, promptIds, sequence, trace, null, List.of(), List.of(), null);
    }

    /** Why an empty answer is empty, when it is. */
    public Optional<String> emptyAnswerHint() {
        return Optional.ofNullable(hint);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
