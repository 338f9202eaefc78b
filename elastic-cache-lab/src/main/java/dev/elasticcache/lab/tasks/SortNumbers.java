package dev.elasticcache.lab.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * "Sort these numbers in ascending order: 53, 18, 71" → "18, 53, 71". Distinct two-digit numbers
 * (10..99), so every number is two bytes and the answer is a permutation of the prompt's list.
 */
public final class SortNumbers implements TaskFamily {
    public static final String NAME = "sort";
    private final int minCount;
    private final int maxCount;

    /** 8 to 12 numbers: answers of 30 to 46 bytes. */
    public SortNumbers() {
        this(8, 12);
    }

    public SortNumbers(int minCount, int maxCount) {
        if (minCount < 2 || maxCount < minCount || maxCount > 90) {
            throw new IllegalArgumentException("need 2 <= minCount <= maxCount <= 90, got " + minCount + ".." + maxCount);
        }
        this.minCount = minCount;
        this.maxCount = maxCount;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task generate(Random random) {
        int n = minCount + random.nextInt(maxCount - minCount + 1);
        List<Integer> pool = new ArrayList<>(90);
        for (int v = 10; v <= 99; v++) {
            pool.add(v);
        }
        List<Integer> numbers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            numbers.add(pool.remove(random.nextInt(pool.size())));
        }
        String prompt = "Sort these numbers in ascending order: " + join(numbers);
        return new Task(NAME, prompt, join(numbers.stream().sorted().toList()));
    }

    private static String join(List<Integer> numbers) {
        return numbers.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
