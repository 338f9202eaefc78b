package dev.elasticcache.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnyresPreprocessorTest {

    /** LLaDA-V's pinpoints: (1x1),...,(6x6) times 384, width multiplier outer. */
    static List<Pinpoint> lladaVPinpoints() {
        List<Pinpoint> p = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            for (int j = 1; j <= 6; j++) {
                p.add(new Pinpoint(i * 384, j * 384));
            }
        }
        return p;
    }

    @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
    @CsvSource({
            // every pinpoint of at least 800x600 keeps all 480000 pixels; the least wasted of those is 1152x768
            "800, 600, 1152, 768",
            // exact fit, nothing wasted
            "384, 384, 384, 384",
            // wide: 1152 is the narrowest width >= 1000, 384 the lowest height >= 200
            "1000, 200, 1152, 384",
            // larger than every pinpoint: the biggest square keeps the most pixels (scale 0.768)
            "3000, 3000, 2304, 2304",
            // tall: 600 wide needs 768, 1700 high needs 1920
            "600, 1700, 768, 1920",
            // tiny images fit the first (smallest) pinpoint
            "10, 10, 384, 384"})
    void bestResolutionHandComputed(int w, int h, int bw, int bh) {
        assertThat(AnyresPreprocessor.selectBestResolution(w, h, lladaVPinpoints())).isEqualTo(new Pinpoint(bw, bh));
    }

    @Test
    void exactTiesGoToTheFirstPinpoint() {
        Pinpoint tall = new Pinpoint(384, 768);
        Pinpoint wide = new Pinpoint(768, 384);
        // a 100x100 image keeps all its pixels in both and wastes the same area
        assertThat(AnyresPreprocessor.selectBestResolution(100, 100, List.of(tall, wide))).isEqualTo(tall);
        assertThat(AnyresPreprocessor.selectBestResolution(100, 100, List.of(wide, tall))).isEqualTo(wide);
    }

    @Test
    void fittedSizeFillsOneSideAndRoundsTheOtherUp() {
        // 800x600 into 1152x768: height limits (1.28 < 1.44), width ceil(800 * 1.28) = 1024
        assertThat(AnyresPreprocessor.fittedSize(800, 600, new Pinpoint(1152, 768))).containsExactly(1024, 768);
        // 1000x200 into 1152x384: width limits (1.152 < 1.92), height ceil(200 * 1.152) = ceil(230.4) = 231
        assertThat(AnyresPreprocessor.fittedSize(1000, 200, new Pinpoint(1152, 384))).containsExactly(1152, 231);
    }

    @Test
    void resizeAndPadCentresOnBlack() {
        RgbImage white = solid(10, 2, 255);
        // 10x2 into 8x8: width limits, height ceil(2 * 0.8) = 2; pasted at y = (8 - 2) / 2 = 3
        RgbImage padded = AnyresPreprocessor.resizeAndPad(white, new Pinpoint(8, 8));
        assertThat(padded.width()).isEqualTo(8);
        assertThat(padded.height()).isEqualTo(8);
        for (int y = 0; y < 8; y++) {
            int expected = y == 3 || y == 4 ? 255 : 0;
            for (int x = 0; x < 8; x++) {
                assertThat(padded.get(x, y, 1)).as("(%d, %d)", x, y).isEqualTo(expected);
            }
        }
    }

    @Test
    void tilesGoLeftToRightThenTopToBottom() {
        // a 3x2 grid of 4-pixel tiles, tile (r, c) filled with 10 * (3r + c)
        RgbImage img = RgbImage.black(12, 8);
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 3; c++) {
                img = img.paste(solid(4, 4, 10 * (3 * r + c)), 4 * c, 4 * r);
            }
        }
        List<RgbImage> tiles = AnyresPreprocessor.divide(img, 4);
        assertThat(tiles).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(tiles.get(i).get(2, 3, 0)).isEqualTo(10 * i);
        }
    }

    @Test
    void preprocessPutsTheSquashedBaseFirstThenTheGrid() {
        // tile 4; a 12x4 image picks 12x4 (3 tiles across, no padding)
        RgbImage img = RgbImage.black(12, 4);
        img = img.paste(solid(4, 4, 255), 8, 0);
        AnyresPreprocessor pre = new AnyresPreprocessor(4, List.of(new Pinpoint(4, 4), new Pinpoint(8, 4), new Pinpoint(12, 4)));
        AnyresPreprocessor.Tiles t = pre.preprocess(img);
        assertThat(t.resolution()).isEqualTo(new Pinpoint(12, 4));
        assertThat(t.cols()).isEqualTo(3);
        assertThat(t.rows()).isEqualTo(1);
        assertThat(t.tiles()).isEqualTo(4);
        assertThat(t.pixels()).hasSize(4 * 3 * 16);
        float[] base = PilResizeTest.planes(PilResize.resize(img, 4, 4));
        for (int i = 0; i < base.length; i++) {
            assertThat(t.pixels()[i]).isEqualTo(base[i]);
        }
        // grid tile 3 (the last) is white: every channel normalises to exactly 1
        for (int i = 3 * 48; i < 4 * 48; i++) {
            assertThat(t.pixels()[i]).isEqualTo(1.0f);
        }
        // grid tile 1 is black: -1
        assertThat(t.pixels()[48]).isEqualTo(-1.0f);
    }

    @Test
    void siglipNormalisationOfKnownValues() {
        assertThat(AnyresPreprocessor.normalize(0)).isEqualTo(-1.0f);
        assertThat(AnyresPreprocessor.normalize(255)).isEqualTo(1.0f);
        // 128/255 = 0.50196078..., stored as float, then (v - 0.5) / 0.5 in float
        float v = (float) (128 / 255.0);
        assertThat(AnyresPreprocessor.normalize(128)).isEqualTo((v - 0.5f) / 0.5f);
        assertThat((double) AnyresPreprocessor.normalize(128)).isCloseTo(1 / 255.0, org.assertj.core.data.Offset.offset(1e-7));
        assertThat((double) AnyresPreprocessor.normalize(64)).isCloseTo(2 * 64 / 255.0 - 1, org.assertj.core.data.Offset.offset(1e-7));
    }

    @Test
    void degenerateAspectRatiosStillPickAPinpointAsPythonDoes() {
        // 1 x 5000: the downscaled width rounds to 0 pixels everywhere, so every effective resolution is 0; Python's
        // tie branch (0 == 0 and wasted < inf) still accepts the first, and later ties keep the least wasted
        List<Pinpoint> p = List.of(new Pinpoint(768, 384), new Pinpoint(384, 384));
        assertThat(AnyresPreprocessor.selectBestResolution(1, 5000, p)).isEqualTo(new Pinpoint(384, 384));
        // unpadding keeps a single column of the 27 x 27 map: int(1 * 27 / 5000) = 0, padding 13
        assertThat(SpatialUnpad.unpad(27, 27, 1, 5000)).isEqualTo(new SpatialUnpad.Crop(0, 27, 13, 14));
        assertThatThrownBy(() -> AnyresPreprocessor.selectBestResolution(10, 10, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10x10");
    }

    static RgbImage solid(int w, int h, int v) {
        byte[] b = new byte[w * h * 3];
        java.util.Arrays.fill(b, (byte) v);
        return new RgbImage(w, h, b);
    }

    static String hex(RgbImage img) {
        return HexFormat.of().formatHex(img.rgb());
    }
}
