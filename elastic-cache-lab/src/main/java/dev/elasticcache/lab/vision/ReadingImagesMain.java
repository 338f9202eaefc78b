package dev.elasticcache.lab.vision;

import dev.elasticcache.lab.Args;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Writes held-out reading-task images as PNG files named by the text they show ({@code 7QX.png}): test fixtures
 * and images to upload on the sample's page.
 *
 * <pre>
 * --out DIR --count 10 --size 48 --seed 7
 * </pre>
 */
public final class ReadingImagesMain {
    private ReadingImagesMain() {
    }

    private static java.util.function.Predicate<ReadingTask> distinctText() {
        Set<String> seen = new java.util.HashSet<>();
        return t -> seen.add(t.text());
    }

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv, Set.of("out", "count", "size", "seed"));
        Path out = Path.of(args.get("out", "reading-images"));
        Files.createDirectories(out);
        int count = args.getInt("count", 10);
        // distinct texts, so that no file overwrites another
        List<ReadingTask> tasks = ReadingTask.evaluation(args.getInt("size", 48), count * 4, args.getLong("seed", 7)).stream()
                .filter(distinctText()).limit(count).toList();
        for (ReadingTask t : tasks) {
            Files.write(out.resolve(t.text() + ".png"), TextImages.png(t.image()));
        }
        System.out.println("wrote " + tasks.size() + " images to " + out);
    }
}
