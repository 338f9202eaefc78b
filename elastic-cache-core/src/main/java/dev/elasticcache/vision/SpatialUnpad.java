package dev.elasticcache.vision;

/**
 * LLaDA-V's {@code spatial_unpad} arrangement of the projected tile features into one token sequence
 * ({@code prepare_inputs_labels_for_multimodal} in {@code llava_arch.py}, the {@code anyres_max} branch):
 *
 * <ol>
 *   <li>the grid tiles' features form one {@code (rows * u) x (cols * u)} feature map (u tokens per tile side);
 *   <li>{@link #unpad} crops the rows (or columns) that only saw the black padding, by the original aspect ratio;
 *   <li>for {@code anyres_max_N}, a map with more than about N tiles' worth of tokens
 *       ({@code sqrt(h w / (N u^2)) > 1.1}) is shrunk by that factor with bilinear interpolation
 *       (PyTorch's {@code interpolate(mode="bilinear", align_corners=False)});
 *   <li>the learned {@code image_newline} vector ends every row;
 *   <li>the base tile's u*u tokens come first, without newlines.
 * </ol>
 *
 * Everything runs on plain float arrays: the map is small (at most 36 tiles of 729 tokens) and the
 * arithmetic is the code's, step for step.
 */
public final class SpatialUnpad {

    /** The threshold of {@code anyres_max}: downsample only when the map is more than 1.1 times too long per side. */
    public static final double DOWNSAMPLE_THRESHOLD = 1.1;

    private SpatialUnpad() {
    }

    /** Rows {@code [rowStart, rowEnd)} and columns {@code [colStart, colEnd)} of the grid map that survive unpadding. */
    public record Crop(int rowStart, int rowEnd, int colStart, int colEnd) {
        public int height() {
            return rowEnd - rowStart;
        }

        public int width() {
            return colEnd - colStart;
        }
    }

    /**
     * {@code unpad_image}: which part of a {@code mapHeight x mapWidth} feature map shows the image of the
     * given original size (the rest was black padding), with the code's float and integer arithmetic.
     */
    public static Crop unpad(int mapHeight, int mapWidth, int imageWidth, int imageHeight) {
        double originalAspect = (double) imageWidth / imageHeight;
        double currentAspect = (double) mapWidth / mapHeight;
        if (originalAspect > currentAspect) {
            double scale = (double) mapWidth / imageWidth;
            int newHeight = (int) (imageHeight * scale);
            int padding = Math.floorDiv(mapHeight - newHeight, 2);
            return checked(new Crop(padding, mapHeight - padding, 0, mapWidth), mapHeight, mapWidth, imageWidth, imageHeight);
        }
        double scale = (double) mapHeight / imageHeight;
        int newWidth = (int) (imageWidth * scale);
        int padding = Math.floorDiv(mapWidth - newWidth, 2);
        return checked(new Crop(0, mapHeight, padding, mapWidth - padding), mapHeight, mapWidth, imageWidth, imageHeight);
    }

    private static Crop checked(Crop c, int mapHeight, int mapWidth, int imageWidth, int imageHeight) {
        if (c.height() <= 0 || c.width() <= 0) {
            throw new IllegalArgumentException("a " + imageWidth + "x" + imageHeight + " image leaves nothing of its "
                    + mapHeight + "x" + mapWidth + " feature map after unpadding (aspect ratio too extreme)");
        }
        return c;
    }

    /**
     * The size {@code anyres_max_N} shrinks an unpadded {@code h x w} map to, or {@code {h, w}} when it is
     * small enough (or {@code maxNumPatches == 0}, plain {@code anyres}).
     */
    public static int[] downsampledSize(int h, int w, int tokensPerSide, int maxNumPatches) {
        if (maxNumPatches <= 0) {
            return new int[] {h, w};
        }
        double times = Math.sqrt((double) ((long) h * w) / ((long) maxNumPatches * tokensPerSide * tokensPerSide));
        if (times > DOWNSAMPLE_THRESHOLD) {
            return new int[] {(int) pyFloorDiv(h, times), (int) pyFloorDiv(w, times)};
        }
        return new int[] {h, w};
    }

    /** Python's float floor division {@code a // b} for positive operands (fmod based, as CPython computes it). */
    static double pyFloorDiv(double a, double b) {
        double mod = a % b;
        double div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0)) {
            div -= 1.0;
        }
        if (div == 0) {
            return Math.copySign(0.0, a / b);
        }
        double floor = Math.floor(div);
        if (div - floor > 0.5) {
            floor += 1.0;
        }
        return floor;
    }

    /**
     * Where the pieces of the arranged sequence lie.
     *
     * @param baseTokens    tokens of the base tile (first in the sequence)
     * @param cols          grid tiles across
     * @param rows          grid tiles down
     * @param crop          the unpadded part of the grid map
     * @param height        rows of the final map (after any downsampling)
     * @param width         columns of the final map, before the newline column
     */
    public record Layout(int baseTokens, int cols, int rows, Crop crop, int height, int width) {

        /** Whether {@code anyres_max} shrank the map. */
        public boolean downsampled() {
            return height != crop.height() || width != crop.width();
        }

        /** Total tokens: base + height * (width + 1). */
        public int tokens() {
            return baseTokens + height * (width + 1);
        }

        /** Positions (in the whole sequence) of the newline vectors, one per map row. */
        public int[] newlinePositions() {
            int[] out = new int[height];
            for (int r = 0; r < height; r++) {
                out[r] = baseTokens + r * (width + 1) + width;
            }
            return out;
        }
    }

    /** The layout of an image with this grid, without computing any features. */
    public static Layout layout(int cols, int rows, int tokensPerSide, int imageWidth, int imageHeight, int maxNumPatches) {
        Crop crop = unpad(rows * tokensPerSide, cols * tokensPerSide, imageWidth, imageHeight);
        int[] size = downsampledSize(crop.height(), crop.width(), tokensPerSide, maxNumPatches);
        return new Layout(tokensPerSide * tokensPerSide, cols, rows, crop, size[0], size[1]);
    }

    /**
     * Arranges projected tile features into the sequence the language model sees.
     *
     * @param features      {@code [1 + cols * rows, u * u, dim]} row-major; tile 0 is the base, then the grid
     *                      row by row; within a tile, tokens row by row
     * @param cols          grid tiles across
     * @param rows          grid tiles down
     * @param tokensPerSide u
     * @param dim           feature width
     * @param imageWidth    original image width
     * @param imageHeight   original image height
     * @param maxNumPatches N of {@code anyres_max_N}, 0 for plain {@code anyres}
     * @param newline       the {@code image_newline} vector [dim]
     */
    public static ImageEmbedding arrange(float[] features, int cols, int rows, int tokensPerSide, int dim,
                                         int imageWidth, int imageHeight, int maxNumPatches, float[] newline) {
        int u = tokensPerSide;
        int perTile = u * u;
        if ((long) features.length != (long) (1 + cols * rows) * perTile * dim) {
            throw new IllegalArgumentException("features hold " + features.length + " values, expected (1 + " + cols + " * " + rows
                    + ") tiles x " + perTile + " tokens x " + dim);
        }
        if (newline.length != dim) {
            throw new IllegalArgumentException("image_newline has " + newline.length + " values, expected " + dim);
        }
        Layout layout = layout(cols, rows, u, imageWidth, imageHeight, maxNumPatches);
        Crop crop = layout.crop();
        int h = crop.height();
        int w = crop.width();
        // The unpadded grid map [h][w][dim].
        float[] map = new float[h * w * dim];
        for (int r = 0; r < h; r++) {
            int gr = crop.rowStart() + r;
            for (int c = 0; c < w; c++) {
                int gc = crop.colStart() + c;
                int tile = 1 + (gr / u) * cols + (gc / u);
                int token = (gr % u) * u + (gc % u);
                System.arraycopy(features, (tile * perTile + token) * dim, map, (r * w + c) * dim, dim);
            }
        }
        if (layout.downsampled()) {
            map = bilinear(map, h, w, dim, layout.height(), layout.width());
            h = layout.height();
            w = layout.width();
        }
        float[] out = new float[layout.tokens() * dim];
        System.arraycopy(features, 0, out, 0, perTile * dim);
        int pos = perTile;
        for (int r = 0; r < h; r++) {
            System.arraycopy(map, r * w * dim, out, pos * dim, w * dim);
            pos += w;
            System.arraycopy(newline, 0, out, pos * dim, dim);
            pos++;
        }
        return new ImageEmbedding(out, layout.tokens(), dim, layout, imageWidth, imageHeight);
    }

    /**
     * Bilinear resampling of an {@code [h][w][dim]} map to {@code [outH][outW][dim]} as PyTorch's
     * {@code interpolate(mode="bilinear", align_corners=False)} with an output size: source coordinate
     * {@code (dst + 0.5) * in / out - 0.5}, clamped at 0, neighbours clamped at the edge.
     */
    static float[] bilinear(float[] map, int h, int w, int dim, int outH, int outW) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("cannot downsample a " + h + "x" + w + " feature map to " + outH + "x" + outW);
        }
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        double[] ly = new double[outH];
        weights(h, outH, y0, y1, ly);
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        double[] lx = new double[outW];
        weights(w, outW, x0, x1, lx);
        float[] out = new float[outH * outW * dim];
        for (int oy = 0; oy < outH; oy++) {
            double wy1 = ly[oy];
            double wy0 = 1 - wy1;
            for (int ox = 0; ox < outW; ox++) {
                double wx1 = lx[ox];
                double wx0 = 1 - wx1;
                int a = (y0[oy] * w + x0[ox]) * dim;
                int b = (y0[oy] * w + x1[ox]) * dim;
                int c = (y1[oy] * w + x0[ox]) * dim;
                int d = (y1[oy] * w + x1[ox]) * dim;
                int o = (oy * outW + ox) * dim;
                for (int k = 0; k < dim; k++) {
                    out[o + k] = (float) (wy0 * (wx0 * map[a + k] + wx1 * map[b + k])
                            + wy1 * (wx0 * map[c + k] + wx1 * map[d + k]));
                }
            }
        }
        return out;
    }

    private static void weights(int in, int out, int[] i0, int[] i1, double[] lambda) {
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double src = Math.max(0.0, scale * (o + 0.5) - 0.5);
            int lo = Math.min((int) src, in - 1);
            i0[o] = lo;
            i1[o] = lo < in - 1 ? lo + 1 : lo;
            lambda[o] = src - lo;
        }
    }
}
