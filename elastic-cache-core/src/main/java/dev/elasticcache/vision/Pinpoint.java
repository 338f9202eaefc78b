package dev.elasticcache.vision;

/**
 * One candidate resolution of the {@code anyres} tiling ({@code image_grid_pinpoints} entry), in pixels.
 * LLaDA-V stores pinpoints as {@code [width, height]} pairs, and {@code select_best_resolution} reads them
 * in that order.
 */
public record Pinpoint(int width, int height) {

    public Pinpoint {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("grid pinpoint must be positive, got " + width + "x" + height);
        }
    }

    /** Tiles across ({@code width / tile}). */
    public int cols(int tile) {
        return width / tile;
    }

    /** Tiles down ({@code height / tile}). */
    public int rows(int tile) {
        return height / tile;
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
