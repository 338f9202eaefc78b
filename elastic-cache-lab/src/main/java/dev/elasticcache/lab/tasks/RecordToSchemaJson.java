package dev.elasticcache.lab.tasks;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Random;

/**
 * "Record to JSON: id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7" with the record's schema (six
 * strings and the integer {@code bag}) → {@code {"id":"36291742","from":"PSK",...,"bag":7}}, decoded by infilling:
 * the schema's keys and punctuation are fixed, the model copies the values into their slots.
 */
public final class RecordToSchemaJson implements TaskFamily {
    public static final String NAME = "json";
    public static final String INSTRUCTION = "Record to JSON: ";
    /** The record's schema, as an application's model class would produce it. */
    public static final String SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"id\":{\"type\":\"string\"},\"from\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"},"
            + "\"seat\":{\"type\":\"string\"},\"gate\":{\"type\":\"string\"},\"class\":{\"type\":\"string\"},"
            + "\"bag\":{\"type\":\"integer\"}},"
            + "\"required\":[\"id\",\"from\",\"to\",\"seat\",\"gate\",\"class\",\"bag\"],\"additionalProperties\":false}";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task generate(Random random) {
        String[] values = BookingRecord.draw(random);
        JsonObject json = new JsonObject();
        for (int i = 0; i < values.length; i++) {
            if (BookingRecord.FIELDS[i].equals("bag")) {
                json.addProperty("bag", Integer.parseInt(values[i]));
            } else {
                json.addProperty(BookingRecord.FIELDS[i], values[i]);
            }
        }
        String prompt = INSTRUCTION + BookingRecord.text(values);
        return new Task(NAME, prompt, json.toString(), null, SCHEMA, List.of(), false);
    }
}
