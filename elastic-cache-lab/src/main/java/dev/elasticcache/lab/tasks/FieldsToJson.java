package dev.elasticcache.lab.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * "Fields to JSON: name=jack;city=rome;pet=cat" → {"name": "jack", "city": "rome", "pet": "cat"}: a
 * structured record rewrite that keeps the prompt's field order and values.
 */
public final class FieldsToJson implements TaskFamily {
    public static final String NAME = "json";

    private static final List<String> KEYS = List.of("name", "city", "job", "color", "pet");

    @Override
    public String name() {
        return NAME;
    }

    /** 3 to 5 fields in random order: answers of roughly 35 to 90 bytes. */
    @Override
    public Task generate(Random random) {
        List<String> keys = new ArrayList<>(KEYS);
        java.util.Collections.shuffle(keys, random);
        keys = keys.subList(0, 3 + random.nextInt(3));
        List<String> pairs = new ArrayList<>();
        List<String> json = new ArrayList<>();
        for (String key : keys) {
            String value = switch (key) {
                case "name" -> Words.pick(Words.NAMES, random);
                case "city" -> Words.pick(Words.CITIES, random);
                case "job" -> Words.pick(Words.JOBS, random);
                case "color" -> Words.pick(Words.COLORS, random);
                default -> Words.pick(Words.PETS, random);
            };
            pairs.add(key + "=" + value);
            json.add("\"" + key + "\": \"" + value + "\"");
        }
        return new Task(NAME, "Fields to JSON: " + String.join(";", pairs), "{" + String.join(", ", json) + "}");
    }
}
