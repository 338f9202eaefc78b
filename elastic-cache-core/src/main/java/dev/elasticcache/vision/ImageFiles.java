package dev.elasticcache.vision;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.color.ColorSpace;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads PNG and JPEG files into {@link RgbImage}s with the JDK's ImageIO, converting as Pillow's
 * {@code convert("RGB")} does: grey is replicated, palettes are looked up, alpha is dropped (not composited),
 * 16-bit samples keep their high byte. Anything else, and any corrupt or truncated file, is an
 * {@link IllegalArgumentException} that says which input and why.
 */
public final class ImageFiles {

    /** Pillow refuses images above twice its {@code MAX_IMAGE_PIXELS} (89,478,485) as decompression bombs; so do we. */
    public static final long MAX_PIXELS = 2L * 89_478_485L;

    private ImageFiles() {
    }

    /** Reads an image file. */
    public static RgbImage read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": image file does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read image file: " + e.getMessage(), e);
        }
        return decode(bytes, file.toString());
    }

    /** Decodes PNG or JPEG bytes; {@code name} labels the input in error messages. */
    public static RgbImage decode(byte[] bytes, String name) {
        String format = sniff(bytes);
        if (format == null) {
            throw new IllegalArgumentException(name + ": unsupported or unrecognised image format (first bytes "
                    + hex(bytes) + "); supported are PNG and JPEG");
        }
        BufferedImage img;
        try {
            img = readStrict(bytes, format, name);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(name + ": corrupt or unsupported " + format + " image: " + e.getMessage(), e);
        }
        return toRgb(img, name);
    }

    /** "PNG", "JPEG" or null from the magic bytes. */
    static String sniff(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0d && b[5] == 0x0a && b[6] == 0x1a && b[7] == 0x0a) {
            return "PNG";
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return "JPEG";
        }
        return null;
    }

    private static BufferedImage readStrict(byte[] bytes, String format, String name) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
            if (!readers.hasNext()) {
                throw new IllegalArgumentException(name + ": this JVM has no ImageIO reader for " + format);
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener(new IIOReadWarningListener() {
                    @Override
                    public void warningOccurred(ImageReader source, String warning) {
                        warnings.add(warning);
                    }
                });
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new IllegalArgumentException(name + ": image of " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels exceeds the limit of " + MAX_PIXELS + " pixels (a decompression bomb?)");
                }
                BufferedImage img = reader.read(0);
                if (!warnings.isEmpty()) {
                    // ImageIO's JPEG reader fills a truncated file with grey and only warns; Pillow refuses it.
                    throw new IllegalArgumentException(name + ": corrupt or truncated " + format + " image: " + String.join("; ", warnings));
                }
                if (img == null) {
                    throw new IllegalArgumentException(name + ": " + format + " image could not be decoded");
                }
                return img;
            } finally {
                reader.dispose();
            }
        }
    }

    /** Converts a decoded image to 8-bit RGB the way Pillow's {@code convert("RGB")} does. */
    static RgbImage toRgb(BufferedImage img, String name) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int type = cm.getColorSpace().getType();
        if (cm instanceof IndexColorModel) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    out[o] = (byte) (row[x] >> 16);
                    out[o + 1] = (byte) (row[x] >> 8);
                    out[o + 2] = (byte) row[x];
                }
            }
        } else if (type == ColorSpace.TYPE_GRAY || type == ColorSpace.TYPE_RGB) {
            // Raw samples, not getRGB(): getRGB would push grey through a linear-to-sRGB conversion that
            // Pillow never applies, changing the values.
            boolean gray = type == ColorSpace.TYPE_GRAY;
            int bands = gray ? 1 : 3;
            int[] shift = new int[bands];
            for (int b = 0; b < bands; b++) {
                int bits = cm.getComponentSize(b);
                if (bits < 1 || bits > 16) {
                    throw new IllegalArgumentException(name + ": unsupported sample size of " + bits + " bits");
                }
                shift[b] = bits - 8;
            }
            int[] samples = new int[w];
            for (int b = 0; b < bands; b++) {
                int bits = cm.getComponentSize(b);
                for (int y = 0; y < h; y++) {
                    raster.getSamples(0, y, w, 1, b, samples);
                    for (int x = 0; x < w; x++) {
                        int v = samples[x];
                        if (shift[b] > 0) {
                            v >>= shift[b];
                        } else if (shift[b] < 0) {
                            // 1, 2 or 4-bit grey: scale to 0..255 as the PNG decoder's expansion does
                            v = v * 255 / ((1 << bits) - 1);
                        }
                        int o = (y * w + x) * 3;
                        if (gray) {
                            out[o] = out[o + 1] = out[o + 2] = (byte) v;
                        } else {
                            out[o + b] = (byte) v;
                        }
                    }
                }
            }
        } else {
            throw new IllegalArgumentException(name + ": unsupported colour space (type " + type
                    + ", e.g. CMYK); convert the image to RGB");
        }
        return new RgbImage(w, h, out);
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            s.append(String.format("%02x", b[i] & 0xff));
        }
        return b.length == 0 ? "<empty>" : s.toString();
    }
}
