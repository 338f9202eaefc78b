package dev.elasticcache;

/** Helpers for token id arrays, which the decoders, canvases and prompts assemble piece by piece. */
public final class TokenIds {
    private TokenIds() {}

    /** The parts one after another in a new array. */
    public static int[] concat(int[]... parts) {
        int total = 0;
        for (int[] p : parts) {
            total += p.length;
        }
        int[] out = new int[total];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
