package dev.elasticcache.lab.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.lab.tasks.Task;
import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where each copied answer character comes from in the prompt: the supervision of the training-only pointer
 * loss ({@link Trainer}), which asks some attention head to look at a value's source while the model fills
 * its slot.
 *
 * <p>The copied values are the answer document's leaves (a schema's values; a call's name and arguments) and,
 * for a text answer after a tool turn, the tool's result where the answer quotes it. A value's source is its
 * occurrence in the prompt bounded by non-alphanumerics, preferring the one right after its key ({@code from:PSK},
 * {@code from PSK}), else the last one; a tool's name is found in the tools block. Models trained here use one
 * token per byte (and one per special token), so character offsets are token positions.
 */
final class PointerTargets {
    private PointerTargets() {}

    /**
     * For every position of {@code prompt ++ answer}, the prompt position its token is copied from, or -1.
     */
    static int[] of(Task task, int[] promptIds, int[] answerIds) {
        String prompt = text(promptIds);
        String answer = text(answerIds);
        int[] out = new int[promptIds.length + answerIds.length];
        Arrays.fill(out, -1);
        for (String[] copy : copies(task)) {
            String key = copy[0];
            String value = copy[1];
            if (value.isEmpty()) {
                continue;
            }
            int source = source(prompt, key, value);
            int target = key == null ? answer.indexOf(value) : valueAfterKey(answer, key, value);
            if (source < 0 || target < 0) {
                continue;
            }
            for (int j = 0; j < value.length(); j++) {
                out[promptIds.length + target + j] = source + j;
            }
        }
        return out;
    }

    /** {key, value} pairs copied into the answer (key null: found anywhere in the answer). */
    static List<String[]> copies(Task task) {
        List<String[]> out = new ArrayList<>();
        if (task.structured()) {
            JsonElement answer = JsonParser.parseString(task.answer());
            if (task.expectsCall()) {
                JsonObject call = answer.getAsJsonObject();
                out.add(new String[] {"name", call.get("name").getAsString()});
                leaves(call.get("arguments"), out);
            } else {
                leaves(answer, out);
            }
        } else {
            ChatMessage last = task.messages().get(task.messages().size() - 1);
            if (last.role() == ChatMessage.Role.TOOL && task.answer().contains(last.content())) {
                out.add(new String[] {null, last.content()});
            }
        }
        return out;
    }

    private static void leaves(JsonElement e, List<String[]> out) {
        if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
                if (entry.getValue().isJsonPrimitive()) {
                    out.add(new String[] {entry.getKey(), entry.getValue().getAsString()});
                } else {
                    leaves(entry.getValue(), out);
                }
            }
        }
    }

    /** The value's occurrence in the prompt: bounded, right after its key if one is, else the last bounded one. */
    static int source(String prompt, String key, String value) {
        int last = -1;
        for (int i = prompt.indexOf(value); i >= 0; i = prompt.indexOf(value, i + 1)) {
            if (!bounded(prompt, i, value.length())) {
                continue;
            }
            if (key != null && i > 1 && (prompt.charAt(i - 1) == ':' || prompt.charAt(i - 1) == ' ')
                    && namesKey(key, wordBefore(prompt, i - 1))) {
                return i;
            }
            last = i;
        }
        return last;
    }

    /** The letters that end right before {@code end}. */
    private static String wordBefore(String text, int end) {
        int start = end;
        while (start > 0 && Character.isLetter(text.charAt(start - 1))) {
            start--;
        }
        return text.substring(start, end);
    }

    /**
     * Whether a schema key names the prompt's word: equal, or a camel-case key whose last word it is
     * ({@code travelClass} for {@code class}).
     */
    static boolean namesKey(String key, String word) {
        if (word.isEmpty() || word.length() > key.length()) {
            return false;
        }
        int start = key.length() - word.length();
        return key.regionMatches(true, start, word, 0, word.length())
                && (start == 0 || Character.isUpperCase(key.charAt(start)));
    }

    /** The value's start in a rendered answer, after {@code "key":} and any quote or filler. */
    static int valueAfterKey(String answer, String key, String value) {
        int k = answer.indexOf("\"" + key + "\":");
        return k < 0 ? -1 : answer.indexOf(value, k + key.length() + 3);
    }

    private static boolean bounded(String s, int start, int length) {
        return (start == 0 || !Character.isLetterOrDigit(s.charAt(start - 1)))
                && (start + length == s.length() || !Character.isLetterOrDigit(s.charAt(start + length)));
    }

    /** One character per token: its byte, or U+0001 for a special token. */
    static String text(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            sb.append(id < TinyTokenizerFiles.BYTE_TOKENS ? (char) TinyTokenizerFiles.idToByte(id) : '\u0001');
        }
        return sb.toString();
    }
}
