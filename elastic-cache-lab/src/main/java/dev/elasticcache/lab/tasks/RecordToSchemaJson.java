package dev.elasticcache.lab.tasks;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Random;

/**
 * "Record to JSON: id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7" with the record's schema (six
 * strings and the integer {@code bag}) → {@code {"id":"36291742","from":"PSK",...,"bag":7}}, decoded by infilling:
 * the schema's keys and punctuation are fixed, the model copies the values into their slots. Half the tasks give
 * the properties in record order, half in the alphabetical order of Spring AI's schema generator.
 */
public final class RecordToSchemaJson implements TaskFamily {
    public static final String NAME = "json";
    public static final String INSTRUCTION = "Record to JSON: ";
    /** The key of the class field in a record that names its component {@code travelClass}. */
    public static final String LANGCHAIN4J_CLASS_KEY = "travelClass";
    /** The record's schema, as an application's model class would produce it. */
    public static final String SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"id\":{\"type\":\"string\"},\"from\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"},"
            + "\"seat\":{\"type\":\"string\"},\"gate\":{\"type\":\"string\"},\"class\":{\"type\":\"string\"},"
            + "\"bag\":{\"type\":\"integer\"}},"
            + "\"required\":[\"id\",\"from\",\"to\",\"seat\",\"gate\",\"class\",\"bag\"],\"additionalProperties\":false}";
    /**
     * The same record as Spring AI's {@code BeanOutputConverter} describes a Java record of it: properties in
     * alphabetical order, {@code bag} an int32.
     */
    public static final String SPRING_SCHEMA = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
            + "\"properties\":{\"bag\":{\"type\":\"integer\",\"format\":\"int32\"},\"class\":{\"type\":\"string\"},"
            + "\"from\":{\"type\":\"string\"},\"gate\":{\"type\":\"string\"},\"id\":{\"type\":\"string\"},"
            + "\"seat\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"}},"
            + "\"required\":[\"bag\",\"from\",\"gate\",\"id\",\"seat\",\"to\"],\"additionalProperties\":false}";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task generate(Random random) {
        String[] values = BookingRecord.draw(random);
        boolean spring = random.nextBoolean();
        // A Java record cannot name a component "class": Spring AI users rename it with @JsonProperty("class"),
        // LangChain4j derives the schema from the component's own name, so one record in three says travelClass.
        String classKey = random.nextInt(3) == 0 ? LANGCHAIN4J_CLASS_KEY : "class";
        java.util.Map<String, String> fields = spring ? new java.util.TreeMap<>() : new java.util.LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            fields.put(BookingRecord.FIELDS[i].equals("class") ? classKey : BookingRecord.FIELDS[i], values[i]);
        }
        JsonObject json = new JsonObject();
        fields.forEach((key, value) -> {
            if (key.equals("bag")) {
                json.addProperty("bag", Integer.parseInt(value));
            } else {
                json.addProperty(key, value);
            }
        });
        String schema = classKey.equals("class") ? (spring ? SPRING_SCHEMA : SCHEMA) : schemaOf(fields.keySet());
        String prompt = INSTRUCTION + BookingRecord.text(values);
        return new Task(NAME, prompt, json.toString(), null, schema, List.of(), false);
    }

    /** The schema of a record whose keys are {@code keys} in this order: strings, the integer {@code bag}. */
    static String schemaOf(java.util.Collection<String> keys) {
        JsonObject properties = new JsonObject();
        com.google.gson.JsonArray required = new com.google.gson.JsonArray();
        for (String key : keys) {
            JsonObject p = new JsonObject();
            p.addProperty("type", key.equals("bag") ? "integer" : "string");
            properties.add(key, p);
            required.add(key);
        }
        JsonObject schema = new JsonObject();
        schema.addProperty("type", "object");
        schema.add("properties", properties);
        schema.add("required", required);
        schema.addProperty("additionalProperties", false);
        return schema.toString();
    }
}
