package dev.elasticcache.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {

    @TempDir
    Path dir;

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).as("a writer for " + format).isTrue();
        return out.toByteArray();
    }

    static BufferedImage rgb(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 17) & 0xff) << 16 | ((y * 29) & 0xff) << 8 | ((x * y) & 0xff));
            }
        }
        return img;
    }

    @Test
    void pngRgbRoundTripsExactly() throws IOException {
        BufferedImage src = rgb(23, 11);
        Path file = dir.resolve("a.png");
        Files.write(file, encode(src, "png"));
        RgbImage img = ImageFiles.read(file);
        assertThat(img.width()).isEqualTo(23);
        assertThat(img.height()).isEqualTo(11);
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 23; x++) {
                int p = src.getRGB(x, y);
                assertThat(img.get(x, y, 0)).isEqualTo((p >> 16) & 0xff);
                assertThat(img.get(x, y, 1)).isEqualTo((p >> 8) & 0xff);
                assertThat(img.get(x, y, 2)).isEqualTo(p & 0xff);
            }
        }
    }

    @Test
    void greyIsReplicatedWithoutColourSpaceConversion() throws IOException {
        // Pillow's convert("RGB") copies L into R, G and B; Java's getRGB() would gamma-convert grey instead
        BufferedImage g = new BufferedImage(16, 1, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = g.getRaster();
        for (int x = 0; x < 16; x++) {
            r.setSample(x, 0, 0, x * 16);
        }
        RgbImage img = ImageFiles.decode(encode(g, "png"), "grey.png");
        for (int x = 0; x < 16; x++) {
            assertThat(new int[] {img.get(x, 0, 0), img.get(x, 0, 1), img.get(x, 0, 2)}).containsOnly(x * 16);
        }
        BufferedImage g16 = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(0, 0, 0, 0x1234);
        g16.getRaster().setSample(1, 0, 0, 0xff00);
        g16.getRaster().setSample(2, 0, 0, 0xffff);
        RgbImage wide = ImageFiles.decode(encode(g16, "png"), "grey16.png");
        assertThat(new int[] {wide.get(0, 0, 0), wide.get(1, 0, 1), wide.get(2, 0, 2)}).containsExactly(0x12, 0xff, 0xff);
    }

    @Test
    void paletteIsLookedUpAndAlphaIsDropped() throws IOException {
        byte[] reds = {0, (byte) 200, 10};
        byte[] greens = {0, 100, 20};
        byte[] blues = {0, 50, (byte) 250};
        BufferedImage pal = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 3, reds, greens, blues));
        pal.getRaster().setSample(0, 0, 0, 1);
        pal.getRaster().setSample(1, 0, 0, 2);
        pal.getRaster().setSample(2, 0, 0, 0);
        RgbImage p = ImageFiles.decode(encode(pal, "png"), "pal.png");
        assertThat(Arrays.copyOf(p.rgb(), 6)).containsExactly((byte) 200, (byte) 100, (byte) 50, (byte) 10, (byte) 20, (byte) 250);

        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00_7f_40_20); // fully transparent: the colour survives, as convert("RGB") keeps it
        argb.setRGB(1, 0, 0xff_01_02_03);
        RgbImage a = ImageFiles.decode(encode(argb, "png"), "alpha.png");
        assertThat(a.rgb()).containsExactly(0x7f, 0x40, 0x20, 1, 2, 3);
    }

    @Test
    void jpegDecodes() throws IOException {
        BufferedImage src = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                src.setRGB(x, y, (x * 8) << 16 | (y * 16) << 8 | 128);
            }
        }
        RgbImage img = ImageFiles.decode(encode(src, "jpg"), "a.jpg");
        assertThat(img.width()).isEqualTo(32);
        assertThat(img.height()).isEqualTo(16);
        // lossy: a smooth gradient comes back within a few levels
        assertThat(img.get(20, 10, 0)).isBetween(20 * 8 - 12, 20 * 8 + 12);
        assertThat(img.get(20, 10, 2)).isBetween(116, 140);
    }

    @Test
    void corruptTruncatedOrUnsupportedFilesAreClearIllegalArguments() throws IOException {
        byte[] png = encode(rgb(40, 40), "png");
        byte[] jpg = encode(rgb(64, 64), "jpg");
        byte[] pngSignatureThenJunk = Arrays.copyOf(png, 64);
        Arrays.fill(pngSignatureThenJunk, 8, 64, (byte) 0x5a);
        assertThatThrownBy(() -> ImageFiles.decode(pngSignatureThenJunk, "junk.png"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("junk.png").hasMessageContaining("PNG");
        assertThatThrownBy(() -> ImageFiles.decode(Arrays.copyOf(png, png.length / 2), "half.png"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("half.png")
                .hasMessageContaining("corrupt");
        assertThatThrownBy(() -> ImageFiles.decode(Arrays.copyOf(jpg, jpg.length / 2), "half.jpg"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("half.jpg")
                .hasMessageContaining("JPEG");
        assertThatThrownBy(() -> ImageFiles.decode(encode(rgb(4, 4), "gif"), "a.gif"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.gif")
                .hasMessageContaining("supported are PNG and JPEG");
        assertThatThrownBy(() -> ImageFiles.decode(encode(rgb(4, 4), "bmp"), "a.bmp"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("supported are PNG and JPEG");
        assertThatThrownBy(() -> ImageFiles.decode(new byte[0], "empty.png"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<empty>");
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image at all", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ImageFiles.read(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.toString()).hasMessageContaining("unrecognised image format");
        assertThatThrownBy(() -> ImageFiles.read(dir.resolve("missing.jpg"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not exist");
    }
}
