package dev.elasticcache.decode;

/**
 * What one denoising step did; the unit of the decoding trace. Positions are absolute sequence indices.
 *
 * @param step 0-based step index (one forward pass each)
 * @param window positions eligible for unmasking in this step
 * @param queryRows positions whose rows were computed in the shallow (non-refreshed) layers
 * @param startReset first layer recomputed for every row; the layer count when none was
 * @param track tracked (most-attended) positions after the step; empty for strategies that do not track
 * @param decodedPositions positions unmasked in this step, ascending
 * @param decodedTokens the tokens written at {@code decodedPositions}
 */
public record StepRecord(
        int step, int[] window, int[] queryRows, int startReset, int[] track, int[] decodedPositions,
        int[] decodedTokens) {}
