package dev.elasticcache.vision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image in, embedding rows out, against the oracle pipeline; and no native memory left behind. */
class LladaVisionEncoderTest {

    @TempDir
    Path dir;

    /** A smooth synthetic picture with some structure. */
    static RgbImage picture(int w, int h) {
        byte[] b = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                b[o] = (byte) (255 * x / Math.max(1, w - 1));
                b[o + 1] = (byte) (255 * y / Math.max(1, h - 1));
                b[o + 2] = (byte) ((x / 7 + y / 5) % 2 == 0 ? 220 : 30);
            }
        }
        return new RgbImage(w, h, b);
    }

    /** The oracle pipeline: the same preprocessing, the float64 tower and projector, the same layout code. */
    static ImageEmbedding expected(Path folder, VisionConfig config, RgbImage img) {
        AnyresPreprocessor.Tiles tiles = AnyresPreprocessor.of(config).preprocess(img);
        try (CheckpointReader reader = CheckpointReader.open(folder)) {
            NaiveVision oracle = new NaiveVision(reader, config);
            double[][][] feats = oracle.tower(tiles.pixels(), tiles.tiles());
            int perTile = config.tower().patchesPerTile() * config.textHiddenSize();
            float[] flat = new float[tiles.tiles() * perTile];
            for (int t = 0; t < tiles.tiles(); t++) {
                double[][] p = oracle.project(feats[t]);
                for (int k = 0; k < p.length; k++) {
                    for (int d = 0; d < p[k].length; d++) {
                        flat[t * perTile + k * config.textHiddenSize() + d] = (float) p[k][d];
                    }
                }
            }
            return SpatialUnpad.arrange(flat, tiles.cols(), tiles.rows(), config.tokensPerSide(), config.textHiddenSize(),
                    img.width(), img.height(), config.maxNumPatches(), reader.readFloats(VisionTensors.IMAGE_NEWLINE));
        }
    }

    @Test
    void encodesAnImageLikeTheOracle() {
        Path folder = RandomLladaV.write(dir.resolve("m"), RandomLladaV.small().dtype(DType.BF16));
        // 50x35 with 30-pixel tiles: best 60x60 (2x2 grid, map 4x4); aspect 1.43 > 1: int(35 * 0.08) = 2 rows,
        // padding 1 -> rows [1, 3); sqrt(8 / 16) < 1.1 so no downsampling: 4 base + 2 * (4 + 1) = 14 rows
        RgbImage img = picture(50, 35);
        try (LladaVisionEncoder enc = LladaVisionEncoder.load(folder)) {
            ImageEmbedding e = enc.encode(img);
            assertThat(e.hidden()).isEqualTo(40);
            assertThat(e.tokens()).isEqualTo(14);
            assertThat(e.layout().cols()).isEqualTo(2);
            assertThat(e.layout().rows()).isEqualTo(2);
            assertThat(e.layout().crop()).isEqualTo(new SpatialUnpad.Crop(1, 3, 0, 4));
            assertThat(e.layout().newlinePositions()).containsExactly(8, 13);
            assertThat(e.row(8)).containsExactly(enc.imageNewline());
            ImageEmbedding want = expected(folder, enc.config(), img);
            SiglipOracleTest.assertClose(e.data(), toDouble(want.data()), "embedding");
        }
    }

    @Test
    void anyresMaxDownsamplesEndToEnd() {
        Path folder = RandomLladaV.write(dir.resolve("m"), RandomLladaV.small().aspect("anyres_max_1"));
        // 90x90: the 3x3 grid, map 6x6, times = sqrt(36 / 4) = 3 -> 2x2, plus newlines: 4 + 2 * 3 = 10 rows
        RgbImage img = picture(90, 90);
        try (LladaVisionEncoder enc = LladaVisionEncoder.load(folder)) {
            ImageEmbedding e = enc.encode(img);
            assertThat(e.layout().downsampled()).isTrue();
            assertThat(e.tokens()).isEqualTo(10);
            SiglipOracleTest.assertClose(e.data(), toDouble(expected(folder, enc.config(), img).data()), "downsampled");
        }
    }

    @Test
    void encodingLeavesOnlyTheWeightsAlive() throws Exception {
        Path folder = RandomLladaV.write(dir.resolve("m"), RandomLladaV.small());
        Path png = dir.resolve("img.png");
        BufferedImage bi = new BufferedImage(70, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 70; x++) {
                bi.setRGB(x, y, (x * 3) << 16 | (y * 6) << 8 | ((x + y) % 256));
            }
        }
        ImageIO.write(bi, "png", png.toFile());
        try (LladaVisionEncoder enc = LladaVisionEncoder.load(folder)) {
            int weights = enc.manager().getManagedArrays().size();
            assertThat(weights).isPositive();
            ImageEmbedding first = enc.encode(png);
            for (int i = 0; i < 3; i++) {
                // 70x40 -> 90x60 (3x2 grid, 7 tiles: two batches of at most 4)
                ImageEmbedding again = enc.encode(png);
                assertThat(again.data()).containsExactly(first.data());
                assertThat(enc.manager().getManagedArrays()).hasSize(weights);
            }
            assertThat(first.layout().cols()).isEqualTo(3);
            assertThat(first.layout().rows()).isEqualTo(2);
        }
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
