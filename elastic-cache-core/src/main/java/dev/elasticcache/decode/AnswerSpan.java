package dev.elasticcache.decode;

/** Where the answer ends: at the first terminator (EOS, end-of-turn, or a mask left after an early EOS). */
public final class AnswerSpan {
    private AnswerSpan() {}

    /** Number of answer tokens after {@code promptLength}, excluding the terminator. */
    public static int length(int[] sequence, int promptLength, int[] terminators) {
        int end = promptLength;
        while (end < sequence.length && !contains(terminators, sequence[end])) {
            end++;
        }
        return end - promptLength;
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
