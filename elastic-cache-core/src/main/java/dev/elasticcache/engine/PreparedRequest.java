package dev.elasticcache.engine;

import dev.elasticcache.decode.DecodingOptions;
import java.util.List;

/** A validated request; {@code memoryBytes} is its share of the memory plan while it is admitted. */
record PreparedRequest(int[] promptIds, DecodingOptions options, List<String> stopSequences,
        boolean trace, StructuredGeneration.Plan plan, float[] images, long memoryBytes) {

    PreparedRequest withoutPlan() {
        return new PreparedRequest(promptIds, options, stopSequences, trace, null, images, memoryBytes);
    }
}
