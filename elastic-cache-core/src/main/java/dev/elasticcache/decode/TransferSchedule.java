package dev.elasticcache.decode;

/** LLaDA's linear transfer schedule: how many masks a block unmasks at each of its steps. */
public final class TransferSchedule {
    private TransferSchedule() {}

    /**
     * Spreads {@code masks} over {@code steps}: each step gets {@code masks / steps}, and the first
     * {@code masks % steps} steps one more.
     */
    public static int[] of(int masks, int steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("steps must be > 0, got " + steps);
        }
        int[] counts = new int[steps];
        int base = masks / steps;
        int extra = masks % steps;
        for (int i = 0; i < steps; i++) {
            counts[i] = base + (i < extra ? 1 : 0);
        }
        return counts;
    }
}
