package dev.elasticcache.lab.tasks;

import java.util.Arrays;

/** Exact-match scoring of decoded answers. */
public final class Scoring {
    private Scoring() {}

    /**
     * True when the decoded answer equals the expected one. Leading and trailing whitespace of the decoded
     * text is ignored; everything else (case, spacing, punctuation) must match.
     */
    public static boolean exactMatch(String expected, String decoded) {
        return decoded != null && expected.equals(decoded.strip());
    }

    /** The generated ids up to (excluding) the first terminator id (EOS, end-of-turn, mask, ...). */
    public static int[] answerIds(int[] generated, int... terminators) {
        for (int i = 0; i < generated.length; i++) {
            for (int t : terminators) {
                if (generated[i] == t) {
                    return Arrays.copyOf(generated, i);
                }
            }
        }
        return generated.clone();
    }
}
