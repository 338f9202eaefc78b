package dev.elasticcache.structured;

/**
 * Size bounds of value slots where a schema sets none. A slot reserves its whole width in the canvas, so wider
 * defaults allow longer values and cost more positions to decode.
 *
 * @param stringTokens width of a string slot without {@code maxLength}
 * @param integerTokens width of an integer slot
 * @param numberTokens width of a number slot
 * @param arrayItems item count of an array without {@code maxItems}
 * @param maxSlotTokens upper bound of any slot width ({@code maxLength} above it is still enforced in characters)
 */
public record InfillLimits(int stringTokens, int integerTokens, int numberTokens, int arrayItems, int maxSlotTokens) {

    public static final InfillLimits DEFAULTS = new InfillLimits(16, 10, 16, 4, 256);

    public InfillLimits {
        check("stringTokens", stringTokens, 1, 4096);
        check("integerTokens", integerTokens, 1, 64);
        check("numberTokens", numberTokens, 2, 64);
        check("arrayItems", arrayItems, 1, 64);
        check("maxSlotTokens", maxSlotTokens, 1, 4096);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("infill limit " + name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
