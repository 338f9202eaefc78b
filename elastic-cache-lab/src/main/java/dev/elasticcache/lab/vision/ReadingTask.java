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
 */
public record ReadingTask(String text, RgbImage image) {
    public static final String QUESTION = "What does the image say?";
    public static final int MAX_LENGTH = 3;

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
        return new ReadingTask(text.toString(), TextImages.render(text.toString(), size, random));
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
