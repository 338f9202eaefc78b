package dev.elasticcache.lab.tasks;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * "Uppercase these words: moon river cat" → "MOON RIVER CAT": a character-level copy with a fixed
 * transformation; the words come from the prompt, so the answer cannot be memorised.
 */
public final class UppercaseWords implements TaskFamily {
    public static final String NAME = "uppercase";

    @Override
    public String name() {
        return NAME;
    }

    /** 5 to 14 words: answers of roughly 25 to 80 bytes. */
    @Override
    public Task generate(Random random) {
        List<String> words = Words.commonWords(random, 5, 14);
        String text = String.join(" ", words);
        return new Task(NAME, "Uppercase these words: " + text, text.toUpperCase(Locale.ROOT));
    }
}
