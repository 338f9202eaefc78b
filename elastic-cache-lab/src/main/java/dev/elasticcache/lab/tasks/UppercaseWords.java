package dev.elasticcache.lab.tasks;

import java.util.Locale;
import java.util.Random;

/**
 * "Uppercase these words: apple river ..." (10 five-letter words) → "APPLE RIVER ...": a character-level copy
 * with a fixed transformation; the words come from the prompt, so the answer cannot be memorised.
 *
 * <p>Fixed width: see {@link TaskSuite#standard()}.
 */
public final class UppercaseWords implements TaskFamily {
    public static final String NAME = "uppercase";
    public static final String INSTRUCTION = "Uppercase these words: ";
    public static final int WORDS = 10;

    @Override
    public String name() {
        return NAME;
    }

    /** Answers of {@link TaskSuite#SPAN} (59) bytes. */
    @Override
    public Task generate(Random random) {
        String text = String.join(" ", Words.pick(Words.FIVE_LETTER, WORDS, random));
        return new Task(NAME, INSTRUCTION + text, text.toUpperCase(Locale.ROOT));
    }
}
