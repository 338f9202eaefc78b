package dev.elasticcache.lab.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.vision.ImageFiles;
import dev.elasticcache.vision.RgbImage;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadingTaskTest {

    @Test
    void everyGlyphIsDistinctAndInked() {
        Set<String> bitmaps = new HashSet<>();
        for (char c : GlyphFont.ALPHABET.toCharArray()) {
            StringBuilder b = new StringBuilder();
            int ink = 0;
            for (int y = 0; y < GlyphFont.HEIGHT; y++) {
                for (int x = 0; x < GlyphFont.WIDTH; x++) {
                    boolean on = GlyphFont.ink(c, x, y);
                    b.append(on ? '#' : '.');
                    ink += on ? 1 : 0;
                }
            }
            assertThat(ink).as("ink of %s", c).isBetween(7, 28);
            bitmaps.add(b.toString());
        }
        assertThat(bitmaps).hasSize(GlyphFont.ALPHABET.length());
        assertThatThrownBy(() -> GlyphFont.ink('a', 0, 0)).hasMessageContaining("draws only");
    }

    @Test
    void renderingsFitAndInkExactlyTheScaledGlyphs() {
        Random random = new Random(3);
        for (int i = 0; i < 300; i++) {
            ReadingTask t = ReadingTask.random(48, random);
            RgbImage image = t.image();
            assertThat(image.width()).isEqualTo(48);
            assertThat(image.height()).isEqualTo(48);
            int dark = 0;
            int top = 48;
            int bottom = -1;
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    // ink is at most 90 + noise 12, the background at least 170 - 12
                    if (image.get(x, y, 0) < 130) {
                        dark++;
                        top = Math.min(top, y);
                        bottom = Math.max(bottom, y);
                    }
                }
            }
            int glyphInk = 0;
            for (char c : t.text().toCharArray()) {
                for (int y = 0; y < GlyphFont.HEIGHT; y++) {
                    for (int x = 0; x < GlyphFont.WIDTH; x++) {
                        glyphInk += GlyphFont.ink(c, x, y) ? 1 : 0;
                    }
                }
            }
            // every glyph inks its top and bottom rows, so the text is 7 s pixels high at scale s
            int height = bottom - top + 1;
            assertThat(height % GlyphFont.HEIGHT).as("height of %s", t.text()).isZero();
            int scale = height / GlyphFont.HEIGHT;
            assertThat(t.scale()).as("scale of %s", t.text()).isEqualTo(scale);
            assertThat(t.kind()).isEqualTo(t.text().length() + (t.text().length() == 1 ? " char" : " chars") + ", scale " + scale);
            // a glyph pixel is s x s, bold widens each by one column (overlapping its neighbour's)
            assertThat(dark).as("dark pixels of %s", t.text()).isBetween(glyphInk * scale * scale, glyphInk * scale * (scale + 1));
        }
        assertThat(TextImages.maxScale(3, 48)).isEqualTo(2);
        assertThat(TextImages.maxScale(1, 48)).isEqualTo(6);
    }

    @Test
    void patchOwnersNameTheGlyphCoveringEachPatch() {
        Random random = new Random(8);
        for (int i = 0; i < 100; i++) {
            ReadingTask t = ReadingTask.random(48, random);
            int[] owners = t.patchOwners(8);
            assertThat(owners).hasSize(36);
            for (int p = 0; p < 36; p++) {
                int px = p % 6;
                int py = p / 6;
                boolean dark = false;
                for (int y = py * 8; y < py * 8 + 8; y++) {
                    for (int x = px * 8; x < px * 8 + 8; x++) {
                        dark |= t.image().get(x, y, 0) < 130;
                    }
                }
                // ink only inside glyph boxes: a patch with ink has an owner; an owned patch lies on a box
                if (dark) {
                    assertThat(owners[p]).as("patch %d of %s", p, t.text()).isBetween(0, t.text().length() - 1);
                }
            }
            for (int p = 0; p < 36; p++) {
                if (owners[p] >= 0) {
                    int[] box = t.boxes()[owners[p]];
                    int px = (p % 6) * 8;
                    int py = (p / 6) * 8;
                    // the owner's box overlaps the patch
                    assertThat(box[0] < px + 8 && px < box[0] + box[2] && box[1] < py + 8 && py < box[1] + box[3]).isTrue();
                }
            }
            // from scale 2 up a glyph is wider than a patch, so every glyph owns one
            assertThat(t.scale()).isGreaterThanOrEqualTo(TextImages.MIN_SCALE);
            for (int c = 0; c < t.text().length(); c++) {
                assertThat(owners).as("patches of glyph %d of %s", c, t.text()).contains(c);
            }
        }
    }

    @Test
    void pngRoundTripsThroughTheEngineDecoder() {
        RgbImage image = ReadingTask.random(48, new Random(5)).image();
        RgbImage back = ImageFiles.decode(TextImages.png(image), "image.png");
        assertThat(back.rgb()).isEqualTo(image.rgb());
    }

    @Test
    void heldOutStringsNeverTrainAndAreAboutOneInEight() {
        List<ReadingTask> train = ReadingTask.train(48, 1).limit(2000).toList();
        assertThat(train).noneMatch(t -> ReadingTask.isHeldOut(t.text()));
        List<ReadingTask> held = ReadingTask.evaluation(48, 200, 2);
        assertThat(held).hasSize(200).allMatch(t -> ReadingTask.isHeldOut(t.text()));
        assertThat(ReadingTask.evaluation(48, 50, 2)).extracting(ReadingTask::text)
                .containsExactlyElementsOf(held.subList(0, 50).stream().map(ReadingTask::text).toList());
        int heldOut = 0;
        int all = 0;
        for (char a : GlyphFont.ALPHABET.toCharArray()) {
            for (char b : GlyphFont.ALPHABET.toCharArray()) {
                all++;
                heldOut += ReadingTask.isHeldOut("" + a + b) ? 1 : 0;
            }
        }
        assertThat((double) heldOut / all).isBetween(0.09, 0.16);
    }
}
