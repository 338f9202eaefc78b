package dev.elasticcache.lab.tasks;

import java.util.List;
import java.util.Random;

/** "Join these words with dashes: sun cup road" → "sun-cup-road": a copy that rewrites the separators. */
public final class JoinWithDashes implements TaskFamily {
    public static final String NAME = "dashes";

    @Override
    public String name() {
        return NAME;
    }

    /** 5 to 14 words: answers of roughly 25 to 80 bytes. */
    @Override
    public Task generate(Random random) {
        List<String> words = Words.commonWords(random, 5, 14);
        return new Task(NAME, "Join these words with dashes: " + String.join(" ", words), String.join("-", words));
    }
}
