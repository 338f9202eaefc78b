package dev.elasticcache.decode;

import dev.elasticcache.structured.Slot;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * The decoding trace as JSON, in the field names other tools read: {@code prompt_ids}, {@code output_ids}
 * (whole sequence, prompt included), {@code nfe}, {@code recompute_fraction} and {@code steps}, each with
 * {@code step}, {@code window}, {@code query_rows}, {@code start_reset}, {@code track} and {@code decoded}
 * ([position, token] pairs). Positions are absolute sequence indices.
 */
public final class TraceJson {
    private TraceJson() {}

    public static JsonObject of(int[] promptIds, int[] outputIds, DecodingStats stats, List<StepRecord> steps) {
        return of(promptIds, outputIds, stats, steps, List.of());
    }

    /**
     * The trace of a structured run, with its {@code slots} ({@code path}, {@code kind}, {@code start},
     * {@code width}; absolute positions): every step's window lies inside them.
     */
    public static JsonObject of(int[] promptIds, int[] outputIds, DecodingStats stats, List<StepRecord> steps,
            List<Slot> slots) {
        JsonObject root = new JsonObject();
        root.addProperty("strategy", stats.strategy().id());
        root.add("prompt_ids", array(promptIds));
        root.add("output_ids", array(outputIds));
        root.addProperty("nfe", stats.nfe());
        root.addProperty("recompute_fraction", stats.recomputeFraction());
        JsonArray list = new JsonArray();
        for (StepRecord s : steps) {
            JsonObject step = new JsonObject();
            step.addProperty("step", s.step());
            step.add("window", array(s.window()));
            step.add("query_rows", array(s.queryRows()));
            step.addProperty("start_reset", s.startReset());
            step.add("track", array(s.track()));
            JsonArray decoded = new JsonArray();
            for (int i = 0; i < s.decodedPositions().length; i++) {
                JsonArray pair = new JsonArray();
                pair.add(s.decodedPositions()[i]);
                pair.add(s.decodedTokens()[i]);
                decoded.add(pair);
            }
            step.add("decoded", decoded);
            list.add(step);
        }
        root.add("steps", list);
        if (!slots.isEmpty()) {
            JsonArray slotList = new JsonArray();
            for (Slot s : slots) {
                JsonObject o = new JsonObject();
                o.addProperty("path", s.path());
                o.addProperty("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
                o.addProperty("start", s.start());
                o.addProperty("width", s.width());
                slotList.add(o);
            }
            root.add("slots", slotList);
        }
        return root;
    }

    private static JsonArray array(int[] values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }
}
