package dev.elasticcache.engine;

import dev.elasticcache.decode.AnswerSpan;
import dev.elasticcache.tokenizer.TokenText;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a partially decoded sequence into answer text: the finished prefix (answer positions up to the first
 * still-masked one) decoded, cut at the end token and at the first stop sequence. Text that could still be the
 * start of a stop sequence, or an incomplete UTF-8 character, is held back so streamed text is never retracted.
 */
final class AnswerText {
    private final TokenText tokenizer;
    private final int promptLength;
    private final int maskId;
    /** The end tokens plus the mask: the finished prefix stops at the first of them. */
    private final int[] prefixEnds;
    private final List<String> stops;
    private String emitted = "";
    private boolean stopped;
    private boolean complete;

    AnswerText(TokenText tokenizer, int promptLength, int maskId, int[] terminators, List<String> stops) {
        this.tokenizer = tokenizer;
        this.promptLength = promptLength;
        this.maskId = maskId;
        this.prefixEnds = Arrays.copyOf(terminators, terminators.length + 1);
        this.prefixEnds[terminators.length] = maskId;
        this.stops = stops;
    }

    /** The text newly safe to show after this sequence state ("" when none). */
    String advance(int[] sequence, boolean finalState) {
        if (stopped) {
            return "";
        }
        int end = promptLength + AnswerSpan.length(sequence, promptLength, prefixEnds);
        complete = finalState || end == sequence.length || sequence[end] != maskId;
        String text = tokenizer.decode(Arrays.copyOfRange(sequence, promptLength, end));
        int cut = firstStop(text);
        if (cut >= 0) {
            text = text.substring(0, cut);
            stopped = true;
            complete = true;
        } else if (!complete) {
            text = text.substring(0, text.length() - heldBack(text));
        }
        if (!text.startsWith(emitted)) {
            return "";
        }
        String delta = text.substring(emitted.length());
        emitted = text;
        return delta;
    }

    String text() {
        return emitted;
    }

    boolean stopped() {
        return stopped;
    }

    private int firstStop(String text) {
        int first = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** Characters at the end that may still change: a partial UTF-8 character or the start of a stop sequence. */
    private int heldBack(String text) {
        int hold = 0;
        while (hold < text.length() && text.charAt(text.length() - 1 - hold) == '\uFFFD') {
            hold++;
        }
        String visible = text.substring(0, text.length() - hold);
        int stopPrefix = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, visible.length()); k > stopPrefix; k--) {
                if (visible.endsWith(stop.substring(0, k))) {
                    stopPrefix = k;
                    break;
                }
            }
        }
        return hold + stopPrefix;
    }
}
