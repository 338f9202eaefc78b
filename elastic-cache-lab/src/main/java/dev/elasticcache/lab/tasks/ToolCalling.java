package dev.elasticcache.lab.tasks;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Random;

/**
 * "What is the weather in Oslo?" (or a flight booking, or a currency conversion) with tools offered: the answer
 * is the call {@code {"name":"get_weather","arguments":{"city":"Oslo"}}}, its arguments copied from the request.
 */
public final class ToolCalling implements TaskFamily {
    public static final String NAME = "tool";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task generate(Random random) {
        TravelTools.Request r = TravelTools.request(random);
        JsonObject call = new JsonObject();
        call.addProperty("name", r.tool());
        call.add("arguments", r.arguments());
        return new Task(NAME, r.text(), call.toString(), null, null, TravelTools.offered(r.tool(), random), true);
    }
}
