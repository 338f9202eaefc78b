package dev.elasticcache.lab.tasks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * "Reverse the order of these words: a b c" → "c b a". The words are drawn with repetition from a small
 * vocabulary, so the answer is determined by the prompt alone and cannot be memorised.
 */
public final class ReverseWords implements TaskFamily {
    public static final String NAME = "reverse";
    private final int minWords;
    private final int maxWords;

    /** 6 to 12 words: answers of roughly 30 to 75 bytes. */
    public ReverseWords() {
        this(6, 12);
    }

    public ReverseWords(int minWords, int maxWords) {
        if (minWords < 2 || maxWords < minWords) {
            throw new IllegalArgumentException("need 2 <= minWords <= maxWords, got " + minWords + ".." + maxWords);
        }
        this.minWords = minWords;
        this.maxWords = maxWords;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task generate(Random random) {
        int n = minWords + random.nextInt(maxWords - minWords + 1);
        List<String> words = Words.pick(Words.COMMON, n, random);
        String prompt = "Reverse the order of these words: " + String.join(" ", words);
        List<String> reversed = new ArrayList<>(words);
        Collections.reverse(reversed);
        return new Task(NAME, prompt, String.join(" ", reversed));
    }
}
