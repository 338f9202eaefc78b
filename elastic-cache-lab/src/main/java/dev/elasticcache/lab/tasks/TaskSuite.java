package dev.elasticcache.lab.tasks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A mix of task families with a held-out evaluation split.
 *
 * <p>The split is a function of the prompt text: a prompt is held out when a 64-bit FNV-1a hash of its UTF-8
 * bytes falls into one of {@link #HELD_OUT_BUCKETS} of {@link #BUCKETS} buckets. {@link #train} never yields a
 * held-out prompt and {@link #evaluation} yields only held-out prompts, so the two sets are disjoint by
 * construction, whatever the seeds.
 */
public final class TaskSuite {
    public static final int BUCKETS = 16;
    public static final int HELD_OUT_BUCKETS = 2;
    /** Seed of the evaluation list; fixed so that every report scores the same prompts. */
    public static final long EVALUATION_SEED = 0x5EED_E7A1L;

    private final List<TaskFamily> families;
    /** The training draw: each family as many times as its weight, one picked uniformly per task. */
    private final List<TaskFamily> draws;

    public TaskSuite(List<TaskFamily> families) {
        this(families, families);
    }

    private TaskSuite(List<TaskFamily> families, List<TaskFamily> draws) {
        if (families.isEmpty()) {
            throw new IllegalArgumentException("a task suite needs at least one family");
        }
        this.families = List.copyOf(families);
        this.draws = List.copyOf(draws);
    }

    /**
     * The same families with integer training weights: a family of weight k is drawn k times as often as one of
     * weight 1 (families not named keep weight 1; weight 0 leaves a family out of training but not of
     * evaluation). All weights 1 gives exactly the draws of the unweighted suite. Used to spend the training
     * budget on the family that is learnt last.
     */
    public TaskSuite weighted(Map<String, Integer> weights) {
        Set<String> unknown = new HashSet<>(weights.keySet());
        familyNames().forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown task families " + unknown + "; known: " + familyNames());
        }
        List<TaskFamily> weightedDraws = new ArrayList<>();
        for (TaskFamily family : families) {
            int weight = weights.getOrDefault(family.name(), 1);
            if (weight < 0) {
                throw new IllegalArgumentException("family weight of " + family.name() + " must be >= 0, got " + weight);
            }
            for (int i = 0; i < weight; i++) {
                weightedDraws.add(family);
            }
        }
        if (weightedDraws.isEmpty()) {
            throw new IllegalArgumentException("all family weights are 0: nothing to train on");
        }
        return new TaskSuite(families, weightedDraws);
    }

    /** Length in bytes of every answer of {@link #standard()}, and of the prompt span it is computed from. */
    public static final int SPAN = 59;

    /**
     * The suite the shipped model is trained on: upper-casing words, the nines' complement of a number and a
     * record rewritten as a query string. All three are fixed-width: every prompt ends with a {@link #SPAN}-byte
     * source and the answer's character j depends on the source's character j. So each
     * answer character lies at one distance from its source, the same in every family: a relation that a
     * ~1M-parameter model with relative (RoPE) positions learns on two CPU cores within the training budget.
     */
    public static TaskSuite standard() {
        return new TaskSuite(List.of(new UppercaseWords(), new NinesComplement(), new RecordToQuery()));
    }

    /**
     * The suite of the shipped model: {@link #standard()} plus a record decoded into a JSON Schema document
     * ({@code json}), tool calls ({@code tool}) and answers quoting a tool's result ({@code tool-answer}).
     */
    public static TaskSuite shipped() {
        return new TaskSuite(List.of(new UppercaseWords(), new NinesComplement(), new RecordToQuery(),
                new RecordToSchemaJson(), new ToolCalling(), new ToolAnswer()));
    }

    /**
     * What the shipped model is trained on: {@link #shipped()} plus the {@code fields} lesson ({@link FieldsToJson}),
     * which teaches copying a value by its key; evaluation reports the lesson as a family of its own.
     */
    public static TaskSuite curriculum() {
        List<TaskFamily> families = new ArrayList<>(shipped().families());
        families.add(new FieldsToJson());
        return new TaskSuite(families);
    }

    /**
     * The suite of the tool model: a JSON document from a record ({@code json}), tool calls ({@code tool}), answers
     * quoting a tool's result ({@code tool-answer}) and the {@code fields} lesson (random keys, copied by key).
     */
    public static TaskSuite tools() {
        return new TaskSuite(List.of(new RecordToSchemaJson(), new ToolCalling(), new ToolAnswer(), new FieldsToJson()));
    }

    /** A suite by name: {@code standard}, {@code shipped}, {@code tools}, {@code curriculum} or {@code hard}. */
    public static TaskSuite named(String name) {
        return switch (name) {
            case "tools" -> tools();
            case "standard" -> standard();
            case "shipped" -> shipped();
            case "curriculum" -> curriculum();
            case "hard" -> hard();
            default -> throw new IllegalArgumentException(
                    "unknown task suite '" + name + "'; known: standard, shipped, tools, curriculum, hard");
        };
    }

    /**
     * Harder families: reverse, sort and record with sorted keys and upper-cased values (variable length; a first
     * 35-minute run of a ~1M-parameter model did not learn them: 0% exact match), and XOR of two bit strings
     * (fixed-width, but each answer digit needs two prompt digits). Kept for larger models and longer training.
     */
    public static TaskSuite hard() {
        return new TaskSuite(List.of(new ReverseWords(), new SortNumbers(), new RecordToJson(), new XorBits()));
    }

    public List<TaskFamily> families() {
        return families;
    }

    public List<String> familyNames() {
        return families.stream().map(TaskFamily::name).toList();
    }

    /** True when {@code prompt} belongs to the evaluation split. */
    public static boolean isHeldOut(String prompt) {
        return Long.remainderUnsigned(fnv1a64(prompt), BUCKETS) < HELD_OUT_BUCKETS;
    }

    /**
     * An endless, deterministic stream of training tasks: families drawn at random in proportion to their
     * weights (uniformly unless {@link #weighted}), held-out prompts skipped.
     */
    public Stream<Task> train(long seed) {
        Random random = new Random(seed);
        return Stream.generate(() -> {
            while (true) {
                Task t = draws.get(random.nextInt(draws.size())).generate(random);
                if (!isHeldOut(t.prompt())) {
                    return t;
                }
            }
        });
    }

    /** {@code count} distinct held-out tasks, families in turn, from {@link #EVALUATION_SEED}. */
    public List<Task> evaluation(int count) {
        return evaluation(count, EVALUATION_SEED);
    }

    /** {@code count} distinct held-out tasks, families in turn, drawn from {@code seed}. */
    public List<Task> evaluation(int count, long seed) {
        Random random = new Random(seed);
        List<Task> out = new ArrayList<>(count);
        Set<String> seen = new HashSet<>();
        int attempts = 0;
        while (out.size() < count) {
            TaskFamily family = families.get(out.size() % families.size());
            Task t = family.generate(random);
            if (isHeldOut(t.prompt()) && seen.add(t.prompt())) {
                out.add(t);
            }
            if (++attempts > 1000 * (count + 10)) {
                throw new IllegalStateException("cannot draw " + count + " distinct held-out tasks");
            }
        }
        return out;
    }

    static long fnv1a64(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
