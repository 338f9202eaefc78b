package dev.elasticcache.lab.tasks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A structured record transformation: {@code "Convert to JSON: city=paris;name=alice;age=42"} →
 * {@code {"age": 42, "city": "PARIS", "name": "ALICE"}}. Keys are sorted alphabetically, text values are
 * upper-cased and quoted, the age stays a bare number.
 */
public final class RecordToJson implements TaskFamily {
    public static final String NAME = "record";

    private static final Map<String, Function<Random, String>> FIELDS = new TreeMap<>(Map.of(
            "name", r -> Words.pick(Words.NAMES, r),
            "age", r -> String.valueOf(18 + r.nextInt(72)),
            "city", r -> Words.pick(Words.CITIES, r),
            "job", r -> Words.pick(Words.JOBS, r),
            "color", r -> Words.pick(Words.COLORS, r),
            "pet", r -> Words.pick(Words.PETS, r)));

    private final int minFields;
    private final int maxFields;

    /** 3 to 6 fields: answers of roughly 40 to 110 bytes. */
    public RecordToJson() {
        this(3, 6);
    }

    public RecordToJson(int minFields, int maxFields) {
        if (minFields < 1 || maxFields < minFields || maxFields > FIELDS.size()) {
            throw new IllegalArgumentException("need 1 <= minFields <= maxFields <= " + FIELDS.size());
        }
        this.minFields = minFields;
        this.maxFields = maxFields;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task generate(Random random) {
        int n = minFields + random.nextInt(maxFields - minFields + 1);
        List<String> keys = new ArrayList<>(FIELDS.keySet());
        Collections.shuffle(keys, random);
        keys = keys.subList(0, n);
        Map<String, String> record = new TreeMap<>();
        List<String> pairs = new ArrayList<>(n);
        for (String key : keys) {
            String value = FIELDS.get(key).apply(random);
            record.put(key, value);
            pairs.add(key + "=" + value);
        }
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, String> e : record.entrySet()) {
            if (json.length() > 1) {
                json.append(", ");
            }
            json.append('"').append(e.getKey()).append("\": ");
            if (e.getKey().equals("age")) {
                json.append(e.getValue());
            } else {
                json.append('"').append(e.getValue().toUpperCase(Locale.ROOT)).append('"');
            }
        }
        json.append('}');
        return new Task(NAME, "Convert to JSON: " + String.join(";", pairs), json.toString());
    }
}
