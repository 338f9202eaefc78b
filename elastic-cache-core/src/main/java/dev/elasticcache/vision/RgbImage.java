package dev.elasticcache.vision;

/**
 * An 8-bit RGB image, row-major, channels interleaved ({@code rgb[(y * width + x) * 3 + c]}), as Pillow's
 * mode "RGB" holds it. Immutable by convention: operations return new images.
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb.length != Math.multiplyExact(Math.multiplyExact(width, height), 3)) {
            throw new IllegalArgumentException("an RGB image of " + width + "x" + height + " needs " + (3L * width * height)
                    + " bytes, got " + rgb.length);
        }
    }

    /** A black image (Pillow's {@code Image.new("RGB", size, (0, 0, 0))}). */
    public static RgbImage black(int width, int height) {
        return new RgbImage(width, height, new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)]);
    }

    /** Channel {@code c} (0 red, 1 green, 2 blue) of pixel (x, y), 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    /** The {@code w x h} region whose top-left corner is (x, y); it must lie inside the image. */
    public RgbImage crop(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("crop " + w + "x" + h + " at (" + x + ", " + y + ") is outside the "
                    + width + "x" + height + " image");
        }
        byte[] out = new byte[w * h * 3];
        for (int r = 0; r < h; r++) {
            System.arraycopy(rgb, ((y + r) * width + x) * 3, out, r * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }

    /** A copy of this image with {@code src} pasted at (x, y); parts outside are clipped (as Pillow's paste). */
    public RgbImage paste(RgbImage src, int x, int y) {
        byte[] out = rgb.clone();
        int x0 = Math.max(0, x);
        int x1 = Math.min(width, x + src.width);
        if (x1 <= x0) {
            return new RgbImage(width, height, out);
        }
        for (int r = 0; r < src.height; r++) {
            int ty = y + r;
            if (ty < 0 || ty >= height) {
                continue;
            }
            System.arraycopy(src.rgb, (r * src.width + (x0 - x)) * 3, out, (ty * width + x0) * 3, (x1 - x0) * 3);
        }
        return new RgbImage(width, height, out);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
