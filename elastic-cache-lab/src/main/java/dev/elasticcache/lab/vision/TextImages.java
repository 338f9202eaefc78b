package dev.elasticcache.lab.vision;

import dev.elasticcache.vision.RgbImage;
import java.util.Random;

/**
 * Renders short strings of {@link GlyphFont} characters into square images for the reading task: a random
 * integer scale among those that fit, from {@value #MIN_SCALE} up, plain or bold, at a random position, dark ink on
 * a light background of random shades, with a little pixel noise.
 */
public final class TextImages {
    /** Background and ink pixels differ by at least this much, so the text stays legible under noise. */
    private static final int NOISE = 12;
    /**
     * The smallest glyph scale where it fits: a glyph of 10 x 14 pixels is wider than an 8-pixel patch, so every
     * glyph owns a patch of its own; at scale 1 two or three glyphs share a patch, below what the shipped tower's
     * patch grid resolves. Images too small for it (tests' tiny tiles) fall back to scale 1.
     */
    public static final int MIN_SCALE = 2;

    private TextImages() {
    }

    /** Width in pixels of {@code length} glyphs at {@code scale} (one scaled pixel between glyphs, bold one pixel wider). */
    public static int textWidth(int length, int scale, boolean bold) {
        return length * GlyphFont.WIDTH * scale + (length - 1) * scale + (bold ? 1 : 0);
    }

    /** The largest scale at which {@code length} glyphs fit into {@code size} pixels (bold included). */
    public static int maxScale(int length, int size) {
        int scale = 1;
        while (textWidth(length, scale + 1, true) <= size && GlyphFont.HEIGHT * (scale + 1) <= size) {
            scale++;
        }
        if (textWidth(length, 1, true) > size) {
            throw new IllegalArgumentException(length + " glyphs do not fit into " + size + " pixels");
        }
        return scale;
    }

    /**
     * An image and where each character was drawn.
     *
     * @param boxes per character {x, y, width, height} of its glyph's pixels
     */
    public record Rendering(RgbImage image, int[][] boxes) {}

    /** {@code text} drawn into a {@code size} x {@code size} image with the random choices described above. */
    public static RgbImage render(String text, int size, Random random) {
        return draw(text, size, random).image();
    }

    /** {@link #render} with the glyphs' boxes. */
    public static Rendering draw(String text, int size, Random random) {
        int max = maxScale(text.length(), size);
        int min = Math.min(MIN_SCALE, max);
        int scale = min + random.nextInt(max - min + 1);
        boolean bold = random.nextBoolean();
        int width = textWidth(text.length(), scale, bold);
        int height = GlyphFont.HEIGHT * scale;
        int x0 = random.nextInt(size - width + 1);
        int y0 = random.nextInt(size - height + 1);
        int background = 170 + random.nextInt(86);
        int ink = random.nextInt(91);
        boolean[] mask = new boolean[size * size];
        int[][] boxes = new int[text.length()][];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int gx = x0 + i * (GlyphFont.WIDTH + 1) * scale;
            boxes[i] = new int[] {gx, y0, GlyphFont.WIDTH * scale + (bold ? 1 : 0), height};
            for (int y = 0; y < GlyphFont.HEIGHT; y++) {
                for (int x = 0; x < GlyphFont.WIDTH; x++) {
                    if (GlyphFont.ink(c, x, y)) {
                        for (int dy = 0; dy < scale; dy++) {
                            for (int dx = 0; dx < scale + (bold ? 1 : 0); dx++) {
                                mask[(y0 + y * scale + dy) * size + gx + x * scale + dx] = true;
                            }
                        }
                    }
                }
            }
        }
        byte[] rgb = new byte[size * size * 3];
        for (int p = 0; p < mask.length; p++) {
            int base = mask[p] ? ink : background;
            for (int ch = 0; ch < 3; ch++) {
                int v = base + random.nextInt(2 * NOISE + 1) - NOISE;
                rgb[p * 3 + ch] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return new Rendering(new RgbImage(size, size, rgb), boxes);
    }

    /** PNG bytes of an image (what a client uploads). */
    public static byte[] png(RgbImage image) {
        java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(image.width(), image.height(),
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                out.setRGB(x, y, image.get(x, y, 0) << 16 | image.get(x, y, 1) << 8 | image.get(x, y, 2));
            }
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(out, "png", bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
