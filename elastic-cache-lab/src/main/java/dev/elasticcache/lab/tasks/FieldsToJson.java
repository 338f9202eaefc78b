package dev.elasticcache.lab.tasks;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A training curriculum for {@link RecordToSchemaJson}: "Record to JSON: ab:K7Q xyz:310" with random key names,
 * one to five fields, and a schema listing them in the record's or a shuffled order → {@code {"xyz":310,"ab":"K7Q"}}.
 * Keys, value widths and the schema's order change from task to task, so no fixed distance between a slot and
 * its value holds: the model has to find each slot's key in the prompt and copy what follows it, which is what
 * the booking record and tool arguments need. Short prompts make the lesson cheap to train.
 */
public final class FieldsToJson implements TaskFamily {
    public static final String NAME = "fields";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task generate(Random random) {
        int n = 1 + random.nextInt(5);
        Set<String> keys = new LinkedHashSet<>();
        while (keys.size() < n) {
            keys.add(Words.lowercase(random, 2 + random.nextInt(4)));
        }
        List<String> recordOrder = new ArrayList<>(keys);
        List<Boolean> integer = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean isInteger = random.nextInt(5) == 0;
            integer.add(isInteger);
            values.add(isInteger ? String.valueOf(random.nextInt(10_000)) : code(random, 1 + random.nextInt(8)));
        }
        List<Integer> schemaOrder = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            schemaOrder.add(i);
        }
        if (random.nextBoolean()) {
            Collections.shuffle(schemaOrder, random);
        }
        JsonObject properties = new JsonObject();
        JsonArray required = new JsonArray();
        JsonObject answer = new JsonObject();
        for (int i : schemaOrder) {
            JsonObject type = new JsonObject();
            type.addProperty("type", integer.get(i) ? "integer" : "string");
            properties.add(recordOrder.get(i), type);
            required.add(recordOrder.get(i));
            if (integer.get(i)) {
                answer.addProperty(recordOrder.get(i), Integer.parseInt(values.get(i)));
            } else {
                answer.addProperty(recordOrder.get(i), values.get(i));
            }
        }
        JsonObject schema = new JsonObject();
        schema.addProperty("type", "object");
        schema.add("properties", properties);
        schema.add("required", required);
        schema.addProperty("additionalProperties", false);
        StringBuilder prompt = new StringBuilder(RecordToSchemaJson.INSTRUCTION);
        for (int i = 0; i < n; i++) {
            prompt.append(i == 0 ? "" : " ").append(recordOrder.get(i)).append(':').append(values.get(i));
        }
        return new Task(NAME, prompt.toString(), answer.toString(), null, schema.toString(), List.of(), false);
    }

    /** Upper-case letters and digits, like the booking record's codes. */
    private static String code(Random random, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(random.nextInt(3) == 0 ? (char) ('0' + random.nextInt(10)) : (char) ('A' + random.nextInt(26)));
        }
        return s.toString();
    }
}
