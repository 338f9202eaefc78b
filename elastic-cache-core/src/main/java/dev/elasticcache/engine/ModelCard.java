package dev.elasticcache.engine;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model folder says about what the model knows: the task families of its {@code training.json} (written by
 * the lab's trainer) and one held-out example prompt of each. A released checkpoint (LLaDA-8B) has no such file and
 * gets {@link #GENERAL}: a general model, no families to list.
 *
 * @param families the task families the model was trained on, in training order; empty for a general model
 * @param examples one example user prompt per family (a subset of {@code families} may have none)
 */
public record ModelCard(List<String> families, Map<String, String> examples) {
    /** The file the trainer writes next to the weights. */
    public static final String FILE = "training.json";
    /** A model with no training.json: nothing known about its tasks. */
    public static final ModelCard GENERAL = new ModelCard(List.of(), Map.of());

    public ModelCard {
        families = List.copyOf(families);
        examples = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(examples));
    }

    /** The card of a model folder; {@link #GENERAL} when it has no training.json or one without task families. */
    public static ModelCard read(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return GENERAL;
        }
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not valid JSON (" + e.getMessage()
                    + "); restore it from the model's release or delete it", e);
        }
    }

    /** Parses training.json text: {@code "tasks": "a, b, c"} and optional {@code "examples": {family: prompt}}. */
    public static ModelCard parse(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        List<String> families = o.has("tasks") ? Arrays.stream(o.get("tasks").getAsString().split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList() : List.of();
        Map<String, String> examples = new LinkedHashMap<>();
        if (o.has("examples") && o.get("examples").isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("examples").entrySet()) {
                examples.put(e.getKey(), e.getValue().getAsString());
            }
        }
        return new ModelCard(families, examples);
    }

    /** Whether the model is a task model (trained on listed families only), not a general chat model. */
    public boolean isTaskModel() {
        return !families.isEmpty();
    }

    /**
     * Why an answer came back empty and what to try instead: for a task model, the families it knows with an
     * example each; for a general model, the usual causes.
     */
    public String emptyAnswerHint() {
        if (!isTaskModel()) {
            return "The model ended its answer at once. Send the prompt as chat messages (an Instruct model expects"
                    + " its chat template), rephrase it, or try another strategy.";
        }
        StringBuilder s = new StringBuilder("The model ended its answer at once: it knows only the task families it"
                + " was trained on (").append(String.join(", ", families)).append("), not open chat.");
        if (!examples.isEmpty()) {
            s.append(" Try one of: ");
            int i = 0;
            for (Map.Entry<String, String> e : examples.entrySet()) {
                s.append(i++ == 0 ? "" : "; ").append('"').append(e.getValue()).append('"');
            }
            s.append('.');
        }
        return s.toString();
    }
}
