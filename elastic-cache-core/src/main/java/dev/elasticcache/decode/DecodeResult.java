package dev.elasticcache.decode;

import dev.elasticcache.structured.Slot;

import java.util.Arrays;
import java.util.List;

/**
 * Outcome of a decoding run.
 *
 * @param sequence the whole sequence after decoding, prompt included; positions left masked (after an early
 *     EOS) keep the mask token
 * @param promptLength number of prompt tokens at the start of {@code sequence}
 * @param stats cost figures
 * @param trace per-step records, empty unless tracing was requested
 * @param slots the value slots of a structured run, positions absolute; empty for a free run
 */
public record DecodeResult(int[] sequence, int promptLength, DecodingStats stats, List<StepRecord> trace,
        List<Slot> slots) {

    public DecodeResult {
        slots = slots == null ? List.of() : List.copyOf(slots);
    }

    /** The generated part of the sequence (after the prompt), including any EOS padding. */
    public int[] generated() {
        return Arrays.copyOfRange(sequence, promptLength, sequence.length);
    }
}
