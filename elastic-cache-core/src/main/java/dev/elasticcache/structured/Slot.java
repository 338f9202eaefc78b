package dev.elasticcache.structured;

/**
 * A run of canvas positions the decoder fills with constrained tokens.
 *
 * @param path where the value sits in the document ({@code $.from}, {@code $.items[2]})
 * @param kind the value kind
 * @param start first position, relative to the canvas start
 * @param width number of positions
 * @param minTokens positions that must hold value tokens (filler is forbidden there)
 * @param maxLength maximum length in characters, or -1
 */
public record Slot(String path, SlotKind kind, int start, int width, int minTokens, int maxLength) {

    /** True when a filler may stand at slot index {@code i} under {@code alignment}. */
    public boolean fillerAllowed(int i, Alignment alignment) {
        return alignment == Alignment.LEFT ? i >= minTokens : i < width - minTokens;
    }
}
