package dev.elasticcache.engine;

import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.decode.StepRecord;
import java.util.List;

/**
 * The outcome of a generation.
 *
 * @param text the answer text (special tokens removed, cut at the end token or stop sequence)
 * @param finishReason why it ended
 * @param usage prompt and answer token counts
 * @param stats decoding cost figures (NFE, recompute fraction, tokens per second, ...)
 * @param promptIds the prompt's token ids
 * @param sequence the whole decoded sequence, prompt included
 * @param trace per-step records when the request asked for a trace, else empty
 */
public record GenerationResult(
        String text, FinishReason finishReason, Usage usage, DecodingStats stats, int[] promptIds, int[] sequence,
        List<StepRecord> trace) {}
