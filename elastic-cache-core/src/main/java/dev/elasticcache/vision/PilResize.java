package dev.elasticcache.vision;

/**
 * Bicubic resizing that reproduces Pillow's {@code Image.resize(size)} on an RGB image (its default filter,
 * {@code BICUBIC}, which LLaDA-V's preprocessing relies on): a separable convolution with the a = -0.5
 * cubic kernel whose support widens by the scale when shrinking (so downscaling antialiases), coefficients
 * normalised per output pixel and rounded to 22-bit fixed point, the horizontal pass first, each pass
 * rounding and clipping to 8 bits. Written from Pillow's documented algorithm (libImaging/Resample.c);
 * the tests pin results produced by Pillow itself.
 */
public final class PilResize {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;

    private PilResize() {
    }

    /** Pillow's bicubic kernel, a = -0.5. */
    static double bicubic(double x) {
        final double a = -0.5;
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** Per output index: the first input index, the tap count and the fixed-point weights. */
    record Coefficients(int[] first, int[] count, int[][] weights) {
    }

    static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[][] weights = new int[outSize][];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double[] k = new double[Math.max(xmax, 0)];
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = bicubic((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            int[] fixed = new int[k.length];
            for (int x = 0; x < k.length; x++) {
                double v = ww != 0.0 ? k[x] / ww : k[x];
                fixed[x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = k.length;
            weights[xx] = fixed;
        }
        return new Coefficients(first, count, weights);
    }

    private static int clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** Resizes to {@code width x height} as Pillow's {@code image.resize((width, height))} does for mode RGB. */
    public static RgbImage resize(RgbImage in, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        if (width == in.width() && height == in.height()) {
            return new RgbImage(width, height, in.rgb().clone());
        }
        RgbImage cur = in;
        if (width != in.width()) {
            cur = horizontal(cur, width);
        }
        if (height != in.height()) {
            cur = vertical(cur, height);
        }
        return cur;
    }

    private static RgbImage horizontal(RgbImage in, int outW) {
        Coefficients c = coefficients(in.width(), outW);
        int h = in.height();
        byte[] src = in.rgb();
        byte[] out = new byte[outW * h * 3];
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < h; y++) {
            int row = y * in.width();
            for (int xx = 0; xx < outW; xx++) {
                int[] k = c.weights[xx];
                int xmin = c.first[xx];
                int s0 = half;
                int s1 = half;
                int s2 = half;
                for (int x = 0; x < k.length; x++) {
                    int p = (row + xmin + x) * 3;
                    s0 += (src[p] & 0xff) * k[x];
                    s1 += (src[p + 1] & 0xff) * k[x];
                    s2 += (src[p + 2] & 0xff) * k[x];
                }
                int o = (y * outW + xx) * 3;
                out[o] = (byte) clip8(s0);
                out[o + 1] = (byte) clip8(s1);
                out[o + 2] = (byte) clip8(s2);
            }
        }
        return new RgbImage(outW, h, out);
    }

    private static RgbImage vertical(RgbImage in, int outH) {
        Coefficients c = coefficients(in.height(), outH);
        int w = in.width();
        byte[] src = in.rgb();
        byte[] out = new byte[w * outH * 3];
        int half = 1 << (PRECISION_BITS - 1);
        for (int yy = 0; yy < outH; yy++) {
            int[] k = c.weights[yy];
            int ymin = c.first[yy];
            for (int x = 0; x < w; x++) {
                int s0 = half;
                int s1 = half;
                int s2 = half;
                for (int y = 0; y < k.length; y++) {
                    int p = ((ymin + y) * w + x) * 3;
                    s0 += (src[p] & 0xff) * k[y];
                    s1 += (src[p + 1] & 0xff) * k[y];
                    s2 += (src[p + 2] & 0xff) * k[y];
                }
                int o = (yy * w + x) * 3;
                out[o] = (byte) clip8(s0);
                out[o + 1] = (byte) clip8(s1);
                out[o + 2] = (byte) clip8(s2);
            }
        }
        return new RgbImage(w, outH, out);
    }
}
