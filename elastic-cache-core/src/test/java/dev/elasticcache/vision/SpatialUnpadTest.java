package dev.elasticcache.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpatialUnpadTest {

    @Test
    void unpadCropsColumnsOfAPortraitishImage() {
        // 800x600 on the 3x2 grid (1152x768): map 54 x 81; aspect 1.333 < 1.5, so columns were padded.
        // scale 54/600 = 0.09, new width int(800 * 0.09) = 72, padding (81 - 72) // 2 = 4: columns [4, 77) = 73 wide
        SpatialUnpad.Crop c = SpatialUnpad.unpad(54, 81, 800, 600);
        assertThat(c).isEqualTo(new SpatialUnpad.Crop(0, 54, 4, 77));
        assertThat(c.width()).as("odd padding keeps one column more than new_width").isEqualTo(73);
    }

    @Test
    void unpadCropsRowsOfAWideImage() {
        // 1000x200 on the 3x1 grid: map 27 x 81; aspect 5 > 3: scale 0.081, int(200 * 0.081) = 16, padding 5
        assertThat(SpatialUnpad.unpad(27, 81, 1000, 200)).isEqualTo(new SpatialUnpad.Crop(5, 22, 0, 81));
        // an exact fit crops nothing
        assertThat(SpatialUnpad.unpad(54, 54, 768, 768)).isEqualTo(new SpatialUnpad.Crop(0, 54, 0, 54));
    }

    @Test
    void anyresMax4DownsamplesOnlyPast1point1() {
        // 54 x 73: times = sqrt(54 * 73 / (4 * 729)) = 1.16269 > 1.1 -> (54 // t, 73 // t) = (46, 62)
        assertThat(SpatialUnpad.downsampledSize(54, 73, 27, 4)).containsExactly(46, 62);
        // 17 x 81: times 0.687, kept
        assertThat(SpatialUnpad.downsampledSize(17, 81, 27, 4)).containsExactly(17, 81);
        // 6x6 grid of a square image: 162 x 162, times = sqrt(26244 / 2916) = 3 -> 54 x 54
        assertThat(SpatialUnpad.downsampledSize(162, 162, 27, 4)).containsExactly(54, 54);
        // 2x2 grid: 54 x 54, times 1.0 -> kept; 2x3 grid: 54 x 81, times 1.2247 -> 44 x 66
        assertThat(SpatialUnpad.downsampledSize(54, 54, 27, 4)).containsExactly(54, 54);
        assertThat(SpatialUnpad.downsampledSize(54, 81, 27, 4)).containsExactly(44, 66);
        // plain anyres never downsamples
        assertThat(SpatialUnpad.downsampledSize(162, 162, 27, 0)).containsExactly(162, 162);
    }

    @Test
    void floorDivisionIsPythons() {
        // Python: 7 // 0.1 == 69.0 (0.1 is slightly more than 1/10), whereas floor(7 / 0.1) == 70
        assertThat(SpatialUnpad.pyFloorDiv(7, 0.1)).isEqualTo(69.0);
        assertThat(Math.floor(7 / 0.1)).isEqualTo(70.0);
        assertThat(SpatialUnpad.pyFloorDiv(54, 1.1626916409142416)).isEqualTo(46.0);
        assertThat(SpatialUnpad.pyFloorDiv(1, 3)).isEqualTo(0.0);
    }

    @Test
    void lladaVTokenCounts() {
        // 800x600 photo: base 729 + 46 rows of (62 + newline)
        SpatialUnpad.Layout a = SpatialUnpad.layout(3, 2, 27, 800, 600, 4);
        assertThat(a.tokens()).isEqualTo(729 + 46 * 63);
        assertThat(a.downsampled()).isTrue();
        // 1000x200 banner: base + 17 rows of (81 + 1)
        SpatialUnpad.Layout b = SpatialUnpad.layout(3, 1, 27, 1000, 200, 4);
        assertThat(b.tokens()).isEqualTo(729 + 17 * 82);
        assertThat(b.downsampled()).isFalse();
        // 384x384: one grid tile, 27 rows of 28
        assertThat(SpatialUnpad.layout(1, 1, 27, 384, 384, 4).tokens()).isEqualTo(729 + 27 * 28);
    }

    @Test
    void bilinearMatchesHandValues() {
        // 1 x 4 [0, 1, 2, 3] -> 1 x 2: scale 2, sources 0.5 and 2.5
        float[] out = SpatialUnpad.bilinear(new float[] {0, 1, 2, 3}, 1, 4, 1, 1, 2);
        assertThat(out).containsExactly(0.5f, 2.5f);
        // 1 x 3 [0, 1, 2] -> 1 x 2: scale 1.5, sources 0.25 and 1.75
        assertThat(SpatialUnpad.bilinear(new float[] {0, 1, 2}, 1, 3, 1, 1, 2)).containsExactly(0.25f, 1.75f);
        // 2 x 2 -> 1 x 1: the mean of all four (source 0.5, 0.5)
        assertThat(SpatialUnpad.bilinear(new float[] {0, 1, 2, 3}, 2, 2, 1, 1, 1)).containsExactly(1.5f);
        // upsampling 1 x 2 -> 1 x 4 clamps at the left edge: sources 0 (clamped from -0.25), 0.25, 0.75, 1.25 -> 1
        assertThat(SpatialUnpad.bilinear(new float[] {0, 4}, 1, 2, 1, 1, 4)).containsExactly(0f, 1f, 3f, 4f);
    }

    /**
     * Toy features: u = 2 tokens per side, dim 2; value (tile, token, channel) = 100 * tile + 10 * token + channel,
     * so every output row says where it came from.
     */
    static float[] toyFeatures(int tiles, int u, int dim) {
        float[] f = new float[tiles * u * u * dim];
        for (int t = 0; t < tiles; t++) {
            for (int k = 0; k < u * u; k++) {
                for (int c = 0; c < dim; c++) {
                    f[(t * u * u + k) * dim + c] = 100 * t + 10 * k + c;
                }
            }
        }
        return f;
    }

    @Test
    void arrangePutsBaseFirstThenUnpaddedRowsEachEndedByTheNewline() {
        // grid 2 across x 1 down, u = 2: the map is 2 x 4; a 2:1 image fills it exactly
        int u = 2;
        float[] feats = toyFeatures(3, u, 2);
        float[] newline = {-1, -2};
        ImageEmbedding e = SpatialUnpad.arrange(feats, 2, 1, u, 2, 200, 100, 0, newline);
        assertThat(e.tokens()).isEqualTo(4 + 2 * 5);
        assertThat(e.layout().newlinePositions()).containsExactly(8, 13);
        // base tile rows: tokens 0..3 of tile 0
        for (int k = 0; k < 4; k++) {
            assertThat(e.row(k)).containsExactly(10 * k, 10 * k + 1);
        }
        // map row 0: tile 1 tokens 0, 1 then tile 2 tokens 0, 1; row 1: tokens 2, 3 of each
        assertThat(e.row(4)).containsExactly(100, 101);
        assertThat(e.row(5)).containsExactly(110, 111);
        assertThat(e.row(6)).containsExactly(200, 201);
        assertThat(e.row(7)).containsExactly(210, 211);
        assertThat(e.row(8)).containsExactly(-1, -2);
        assertThat(e.row(9)).containsExactly(120, 121);
        assertThat(e.row(12)).containsExactly(230, 231);
        assertThat(e.row(13)).containsExactly(-1, -2);
    }

    @Test
    void arrangeDropsPaddedRows() {
        // grid 1 x 2 (one across, two down), u = 2: map 4 x 2; a 100x150 image (aspect 0.667 > 0.5) padded rows:
        // scale 2/100 = 0.02, new height int(150 * 0.02) = 3, padding (4 - 3) // 2 = 0 -> all 4 rows kept
        assertThat(SpatialUnpad.unpad(4, 2, 100, 150)).isEqualTo(new SpatialUnpad.Crop(0, 4, 0, 2));
        // a 100x100 image: new height 2, padding 1 -> rows [1, 3): token row 1 of tile 1 and token row 0 of tile 2
        ImageEmbedding e = SpatialUnpad.arrange(toyFeatures(3, 2, 1), 1, 2, 2, 1, 100, 100, 0, new float[] {-1});
        assertThat(e.tokens()).isEqualTo(4 + 2 * 3);
        assertThat(e.data()).containsExactly(0, 10, 20, 30, 120, 130, -1, 200, 210, -1);
    }

    @Test
    void arrangeDownsamplesTheCroppedMap() {
        // u = 2, grid 3 x 3 of a square image: map 6 x 6, anyres_max_1: times = sqrt(36 / 4) = 3 -> 2 x 2
        int u = 2;
        float[] feats = toyFeatures(10, u, 1);
        ImageEmbedding e = SpatialUnpad.arrange(feats, 3, 3, u, 1, 90, 90, 1, new float[] {-7});
        assertThat(e.layout().height()).isEqualTo(2);
        assertThat(e.layout().width()).isEqualTo(2);
        assertThat(e.tokens()).isEqualTo(4 + 2 * 3);
        // output (0, 0) samples source (1, 1): the map position (1, 1) is tile 1 token 3 = 130
        assertThat(e.row(4)[0]).isCloseTo(130f, within(1e-4f));
        // output (1, 1) samples source (4, 4): tile 1 + 2 * 3 + 2 = 9, token (0, 0) = 900
        assertThat(e.row(8)[0]).isCloseTo(900f, within(1e-4f));
        assertThat(e.row(6)[0]).isEqualTo(-7f);
        assertThat(e.row(9)[0]).isEqualTo(-7f);
    }
}
