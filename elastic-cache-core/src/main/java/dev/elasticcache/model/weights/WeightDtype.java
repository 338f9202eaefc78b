package dev.elasticcache.model.weights;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a model's weights are kept in memory; the knob is {@code dtype} at every door (CLI {@code --dtype},
 * {@code spring.ai.elastic-cache.dtype}, the LangChain4j builder). Every choice computes in fp32, so the tokens
 * do not depend on it: 16-bit storage is widened exactly, one matrix at a time, right before it multiplies.
 *
 * <ul>
 *   <li>{@link #FLOAT32}: every tensor widened to fp32 at load. Fastest on a CPU, 4 bytes per parameter.
 *   <li>{@link #BFLOAT16} / {@link #FLOAT16}: the checkpoint's own 16-bit tensors stay where they are, memory-mapped
 *       from the safetensors files (2 bytes per parameter, in the page cache), and each matrix is widened to fp32
 *       when a forward needs it. For models whose fp32 weights do not fit in memory (LLaDA-8B and Dream-7B on a
 *       machine of less than about 40 GiB).
 *   <li>{@link #AUTO}: {@code float32} when the fp32 weights fit the memory plan, else the checkpoint's 16-bit type.
 *   <li>{@link #FLOAT16_COMPUTE}: weights in fp16 on the device and the matrix products computed in fp16, the rest of
 *       each block in fp32: for GPUs (tensor cores). Not bit-identical to fp32; on a CPU without fp16 arithmetic it
 *       is correct but slow (about 1 GFLOP/s), so it is for testing there.
 * </ul>
 */
public enum WeightDtype {
    AUTO,
    FLOAT32,
    BFLOAT16,
    FLOAT16,
    FLOAT16_COMPUTE;

    /** The spelling at the doors: {@code auto}, {@code float32}, {@code bfloat16}, {@code float16}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True for the two 16-bit storage choices. */
    public boolean keeps16Bit() {
        return this == BFLOAT16 || this == FLOAT16;
    }

    /**
     * Parses a door's spelling (case-insensitive; {@code fp32}, {@code bf16}, {@code fp16} and {@code f16} too).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static WeightDtype parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> AUTO;
            case "float32", "fp32", "f32" -> FLOAT32;
            case "bfloat16", "bf16" -> BFLOAT16;
            case "float16", "fp16", "f16" -> FLOAT16;
            case "float16-compute", "half" -> FLOAT16_COMPUTE;
            default -> throw new IllegalArgumentException("dtype '" + value + "' is not known; use one of "
                    + Arrays.stream(values()).map(WeightDtype::spelling).collect(Collectors.joining(", "))
                    + " (auto keeps fp32 weights when they fit in memory, else the checkpoint's 16-bit ones;"
                    + " float16-compute multiplies in fp16, for GPUs)");
        };
    }
}
