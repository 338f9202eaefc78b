package dev.elasticcache.decode;

import dev.elasticcache.structured.InfillFormat;
import dev.elasticcache.structured.Slot;
import java.util.List;

/**
 * The answer region of a structured run: its initial tokens (fixed template text, the mask at every slot
 * position), the slots with their token constraints, and where the document ends (fixed trailer tokens may
 * follow it).
 *
 * @param tokens initial answer tokens
 * @param slots slots, positions relative to the answer start
 * @param format the filler, alignment and per-kind token sets
 * @param documentLength answer positions that belong to the document (the rest is trailer)
 */
public record AnswerCanvas(int[] tokens, List<Slot> slots, InfillFormat format, int documentLength) {
    public AnswerCanvas {
        slots = List.copyOf(slots);
        if (documentLength < 0 || documentLength > tokens.length) {
            throw new IllegalArgumentException("document length " + documentLength + " outside [0, " + tokens.length + "]");
        }
        for (Slot s : slots) {
            if (s.start() < 0 || s.start() + s.width() > tokens.length) {
                throw new IllegalArgumentException("slot " + s.path() + " lies outside the canvas");
            }
        }
    }
}
