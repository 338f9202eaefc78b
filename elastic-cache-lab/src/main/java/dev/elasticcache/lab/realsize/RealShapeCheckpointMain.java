package dev.elasticcache.lab.realsize;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a random checkpoint with a real model's exact shapes, streamed:
 * {@code RealShapeCheckpointMain --model llada-8b|dream-7b|llada-v|llada-8b-2-layers --out DIR [--seed N]}.
 */
public final class RealShapeCheckpointMain {
    private RealShapeCheckpointMain() {}

    public static void main(String[] args) {
        RealShapeModels model = null;
        Path out = null;
        long seed = 1;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--model" -> model = RealShapeModels.parse(value);
                case "--out" -> out = Path.of(value);
                case "--seed" -> seed = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: --model llada-8b|dream-7b|llada-v|llada-8b-2-layers --out DIR [--seed N]");
            }
        }
        if (model == null || out == null) {
            throw new IllegalArgumentException("usage: --model llada-8b|dream-7b|llada-v|llada-8b-2-layers --out DIR [--seed N]");
        }
        long start = System.nanoTime();
        model.write(out, seed);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s: %d tensors, %.2f GB of BF16 weights in %s, written in %.1f s (%.0f MB/s)%n",
                model.id(), model.tensors().size(), model.weightBytes() / 1e9, out, seconds, model.weightBytes() / 1e6 / seconds);
    }
}
