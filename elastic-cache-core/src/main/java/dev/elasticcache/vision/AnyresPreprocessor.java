package dev.elasticcache.vision;

import java.util.ArrayList;
import java.util.List;

/**
 * LLaDA-V's {@code anyres} / {@code anyres_max_N} image preprocessing ({@code process_anyres_image} and
 * {@code SigLipImageProcessor}): pick the best pinpoint resolution, resize keeping the aspect ratio and pad
 * with black to it, cut it into square tiles row by row, put the whole image squashed to one tile in front,
 * and normalise every tile to SigLIP's input ({@code (v / 255 - 0.5) / 0.5}, channels first).
 */
public final class AnyresPreprocessor {

    private final int tile;
    private final List<Pinpoint> pinpoints;

    /** A preprocessor for tiles of {@code tile} pixels and these candidate resolutions. */
    public AnyresPreprocessor(int tile, List<Pinpoint> pinpoints) {
        if (tile <= 0) {
            throw new IllegalArgumentException("tile size must be positive, got " + tile);
        }
        if (pinpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one grid pinpoint is needed");
        }
        this.tile = tile;
        this.pinpoints = List.copyOf(pinpoints);
    }

    /** For a vision config: its tile size and pinpoints. */
    public static AnyresPreprocessor of(VisionConfig config) {
        return new AnyresPreprocessor(config.tower().imageSize(), config.gridPinpoints());
    }

    /**
     * The tiles of one image, ready for the tower.
     *
     * @param pixels      {@code [tiles, 3, tile, tile]} normalised values, row-major; tile 0 is the base image
     * @param tiles       number of tiles (1 + cols * rows)
     * @param tileSize    tile side in pixels
     * @param resolution  the chosen pinpoint
     * @param cols        grid tiles across
     * @param rows        grid tiles down
     * @param imageWidth  the original image width
     * @param imageHeight the original image height
     */
    public record Tiles(float[] pixels, int tiles, int tileSize, Pinpoint resolution, int cols, int rows,
                        int imageWidth, int imageHeight) {
    }

    /** Runs the whole preprocessing on one RGB image. */
    public Tiles preprocess(RgbImage image) {
        Pinpoint best = selectBestResolution(image.width(), image.height(), pinpoints);
        RgbImage padded = resizeAndPad(image, best);
        List<RgbImage> grid = divide(padded, tile);
        List<RgbImage> all = new ArrayList<>(grid.size() + 1);
        // process_anyres_image: the base is the whole image resized to the tile (squashed, not padded).
        all.add(PilResize.resize(image, tile, tile));
        all.addAll(grid);
        int per = 3 * tile * tile;
        float[] pixels = new float[Math.multiplyExact(all.size(), per)];
        for (int t = 0; t < all.size(); t++) {
            // SigLipImageProcessor resizes each tile to tile x tile again: a no-op for tiles of that size.
            normalizeInto(all.get(t), pixels, t * per);
        }
        return new Tiles(pixels, all.size(), tile, best, best.cols(tile), best.rows(tile), image.width(), image.height());
    }

    /**
     * {@code select_best_resolution}: the pinpoint that keeps the most of the image's pixels after a
     * downscale that fits it (effective resolution, capped at the original's), ties going to the least
     * wasted area, remaining ties to the first in config order.
     */
    public static Pinpoint selectBestResolution(int width, int height, List<Pinpoint> candidates) {
        Pinpoint best = null;
        long maxEffective = 0;
        long minWasted = Long.MAX_VALUE;
        for (Pinpoint p : candidates) {
            double scale = Math.min((double) p.width() / width, (double) p.height() / height);
            long dw = (long) (width * scale);
            long dh = (long) (height * scale);
            long effective = Math.min(dw * dh, (long) width * height);
            long wasted = (long) p.width() * p.height() - effective;
            if (effective > maxEffective || (effective == maxEffective && wasted < minWasted)) {
                maxEffective = effective;
                minWasted = wasted;
                best = p;
            }
        }
        if (best == null) {
            // every candidate gave an effective resolution of 0 (an extreme aspect ratio): Python would return None
            throw new IllegalArgumentException("no grid pinpoint fits a " + width + "x" + height + " image");
        }
        return best;
    }

    /** The size {@code resize_and_pad_image} resizes to before padding: one side fills, the other keeps the aspect. */
    public static int[] fittedSize(int width, int height, Pinpoint target) {
        double scaleW = (double) target.width() / width;
        double scaleH = (double) target.height() / height;
        int newW;
        int newH;
        if (scaleW < scaleH) {
            newW = target.width();
            newH = (int) Math.min(Math.ceil(height * scaleW), target.height());
        } else {
            newH = target.height();
            newW = (int) Math.min(Math.ceil(width * scaleH), target.width());
        }
        return new int[] {newW, newH};
    }

    /** {@code resize_and_pad_image}: bicubic resize to {@link #fittedSize}, centred on black. */
    public static RgbImage resizeAndPad(RgbImage image, Pinpoint target) {
        int[] size = fittedSize(image.width(), image.height(), target);
        RgbImage resized = PilResize.resize(image, size[0], size[1]);
        return RgbImage.black(target.width(), target.height())
                .paste(resized, (target.width() - size[0]) / 2, (target.height() - size[1]) / 2);
    }

    /** {@code divide_to_patches}: square tiles, left to right, then top to bottom. */
    public static List<RgbImage> divide(RgbImage image, int tile) {
        if (image.width() % tile != 0 || image.height() % tile != 0) {
            throw new IllegalArgumentException("a " + image.width() + "x" + image.height() + " image does not divide into "
                    + tile + "-pixel tiles");
        }
        List<RgbImage> out = new ArrayList<>();
        for (int y = 0; y < image.height(); y += tile) {
            for (int x = 0; x < image.width(); x += tile) {
                out.add(image.crop(x, y, tile, tile));
            }
        }
        return out;
    }

    /**
     * SigLIP normalisation of one 8-bit value, with the image processor's float arithmetic: rescale by 1/255 in
     * double, store as float, then {@code (v - mean) / std} in float.
     */
    public static float normalize(int value) {
        float v = (float) (value * (1.0 / 255.0));
        return (v - VisionConfig.IMAGE_MEAN) / VisionConfig.IMAGE_STD;
    }

    private static final float[] NORMALIZED = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            NORMALIZED[i] = normalize(i);
        }
    }

    /** Writes {@code image} as {@code [3, h, w]} normalised floats at {@code offset}. */
    static void normalizeInto(RgbImage image, float[] dst, int offset) {
        int plane = image.width() * image.height();
        byte[] rgb = image.rgb();
        for (int i = 0; i < plane; i++) {
            dst[offset + i] = NORMALIZED[rgb[i * 3] & 0xff];
            dst[offset + plane + i] = NORMALIZED[rgb[i * 3 + 1] & 0xff];
            dst[offset + 2 * plane + i] = NORMALIZED[rgb[i * 3 + 2] & 0xff];
        }
    }
}
