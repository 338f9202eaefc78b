package dev.elasticcache.lab.vision;

import dev.elasticcache.lab.tasks.TaskSuite;
import dev.elasticcache.vision.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The synthetic visual task of the shipped vision-language model: an image showing one to three characters of
 * {@link GlyphFont#ALPHABET} and the question {@value #QUESTION}; the answer is the characters. The held-out
 * split is by the string (one in eight strings never appears in training, in any rendering), as the text
 * families split by prompt.
 *
 * @param text  the characters shown (the expected answer)
 * @param image the rendering
 * @param boxes per character {x, y, width, height} of its glyph in the image (training supervision only)
 */
public record ReadingTask(String text, RgbImage image, int[][] boxes) {
    public static final String QUESTION = "What does the image say?";
    public static final int MAX_LENGTH = 3;

    /**
     * Which character covers each {@code patch} x {@code patch} square of the image, row by row: the index in
     * {@link #text()} of the glyph box overlapping it most, or -1 for background.
     */
    public int[] patchOwners(int patch) {
        int side = image.width() / patch;
        int[] owners = new int[side * side];
        for (int py = 0; py < side; py++) {
            for (int px = 0; px < side; px++) {
                int best = -1;
                int bestArea = 0;
                for (int i = 0; i < boxes.length; i++) {
                    int[] b = boxes[i];
                    int w = Math.min(px * patch + patch, b[0] + b[2]) - Math.max(px * patch, b[0]);
                    int h = Math.min(py * patch + patch, b[1] + b[3]) - Math.max(py * patch, b[1]);
                    if (w > 0 && h > 0 && w * h > bestArea) {
                        best = i;
                        bestArea = w * h;
                    }
                }
                owners[py * side + px] = best;
            }
        }
        return owners;
    }

    /** The integer scale the glyphs were drawn at (a glyph is {@code 7 x scale} pixels high). */
    public int scale() {
        return boxes[0][3] / GlyphFont.HEIGHT;
    }

    /** The kind of task for breaking results down: {@code "2 chars, scale 3"}. */
    public String kind() {
        return text.length() + (text.length() == 1 ? " char" : " chars") + ", scale " + scale();
    }

    /** Whether {@code text} belongs to the held-out split. */
    public static boolean isHeldOut(String text) {
        return TaskSuite.isHeldOut("read-image:" + text);
    }

    /** A random task of either split. */
    public static ReadingTask random(int size, Random random) {
        return random(size, MAX_LENGTH, random);
    }

    /** A random task of one to {@code maxLength} characters. */
    public static ReadingTask random(int size, int maxLength, Random random) {
        int length = 1 + random.nextInt(maxLength);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(GlyphFont.ALPHABET.charAt(random.nextInt(GlyphFont.ALPHABET.length())));
        }
        TextImages.Rendering r = TextImages.draw(text.toString(), size, random);
        return new ReadingTask(text.toString(), r.image(), r.boxes());
    }

    /** The endless training stream: tasks whose strings are not held out. */
    public static Stream<ReadingTask> train(int size, long seed) {
        return train(size, seed, () -> MAX_LENGTH);
    }

    /** The training stream with the longest string of each draw given by {@code maxLength} (a curriculum). */
    public static Stream<ReadingTask> train(int size, long seed, java.util.function.IntSupplier maxLength) {
        Random random = new Random(seed);
        return Stream.generate(() -> random(size, maxLength.getAsInt(), random)).filter(t -> !isHeldOut(t.text()));
    }

    /** {@code count} held-out tasks (a fixed draw for a seed). */
    public static List<ReadingTask> evaluation(int size, int count, long seed) {
        Random random = new Random(seed);
        List<ReadingTask> out = new ArrayList<>(count);
        while (out.size() < count) {
            ReadingTask t = random(size, random);
            if (isHeldOut(t.text())) {
                out.add(t);
            }
        }
        return out;
    }
}
