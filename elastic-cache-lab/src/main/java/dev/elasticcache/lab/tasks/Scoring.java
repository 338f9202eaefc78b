package dev.elasticcache.lab.tasks;

import java.util.Arrays;
import java.util.Map;

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

    /**
     * Share of the expected answer's characters that the decoded answer (stripped as in {@link #exactMatch})
     * has at the same index: a graded view of how close a wrong answer is. Extra decoded characters count
     * against it as missing ones do.
     */
    public static double characterAccuracy(String expected, String decoded) {
        String d = decoded == null ? "" : decoded.strip();
        int same = 0;
        for (int i = 0; i < Math.min(expected.length(), d.length()); i++) {
            same += expected.charAt(i) == d.charAt(i) ? 1 : 0;
        }
        int length = Math.max(expected.length(), d.length());
        return length == 0 ? 1 : (double) same / length;
    }

    /**
     * The leaves of a JSON answer by key ({@code {"name":..,"arguments":{..}}} gives {@code name} and each argument),
     * values as their JSON text.
     *
     * @throws RuntimeException when the text is not a JSON object
     */
    public static Map<String, String> fields(String json) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(json.strip()).getAsJsonObject();
        for (Map.Entry<String, com.google.gson.JsonElement> e : o.entrySet()) {
            if (e.getValue().isJsonObject()) {
                e.getValue().getAsJsonObject().entrySet().forEach(a -> out.put(a.getKey(), a.getValue().toString()));
            } else {
                out.put(e.getKey(), e.getValue().toString());
            }
        }
        return out;
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
