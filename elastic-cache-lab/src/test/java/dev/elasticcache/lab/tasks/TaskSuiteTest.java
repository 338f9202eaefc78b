package dev.elasticcache.lab.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TaskSuiteTest {
    private final TaskSuite suite = TaskSuite.standard();

    @Test
    void trainingStreamIsDeterministicPerSeed() {
        List<Task> a = suite.train(7).limit(200).toList();
        List<Task> b = suite.train(7).limit(200).toList();
        List<Task> c = suite.train(8).limit(200).toList();
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(suite.evaluation(60)).isEqualTo(suite.evaluation(60));
    }

    @Test
    void evaluationSplitIsDisjointFromTraining() {
        List<Task> eval = suite.evaluation(300);
        Set<String> evalPrompts = eval.stream().map(Task::prompt).collect(Collectors.toSet());
        assertThat(evalPrompts).hasSize(300);
        assertThat(eval).allMatch(t -> TaskSuite.isHeldOut(t.prompt()));
        for (long seed = 1; seed <= 3; seed++) {
            List<Task> train = suite.train(seed).limit(20_000).toList();
            assertThat(train).noneMatch(t -> TaskSuite.isHeldOut(t.prompt()));
            assertThat(train).noneMatch(t -> evalPrompts.contains(t.prompt()));
        }
    }

    @Test
    void familyWeightsSetTheTrainingMixButNotTheEvaluation() {
        TaskSuite weighted = suite.weighted(Map.of("query", 2, "uppercase", 0));
        Map<String, Long> counts = weighted.train(3).limit(3000).collect(
                Collectors.groupingBy(Task::family, Collectors.counting()));
        assertThat(counts).doesNotContainKey("uppercase");
        // query is drawn twice as often as complement: 2000 vs 1000 expected.
        assertThat(counts.get("query")).isBetween(1850L, 2150L);
        assertThat(counts.get("complement")).isBetween(850L, 1150L);
        assertThat(weighted.evaluation(60)).isEqualTo(suite.evaluation(60));
        assertThat(suite.weighted(Map.of()).train(7).limit(200).toList()).isEqualTo(suite.train(7).limit(200).toList());
    }

    @Test
    void badFamilyWeightsNameTheFix() {
        assertThatThrownBy(() -> suite.weighted(Map.of("qeury", 2)))
                .hasMessageContaining("unknown task families [qeury]").hasMessageContaining("query");
        assertThatThrownBy(() -> suite.weighted(Map.of("query", -1))).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> suite.weighted(Map.of("query", 0, "uppercase", 0, "complement", 0)))
                .hasMessageContaining("nothing to train on");
    }

    @Test
    void evaluationCyclesThroughFamilies() {
        List<Task> eval = suite.evaluation(6);
        assertThat(eval.stream().map(Task::family).toList()).containsExactly(
                "uppercase", "complement", "query", "uppercase", "complement", "query");
        assertThat(TaskSuite.hard().evaluation(3).stream().map(Task::family).toList())
                .containsExactly("reverse", "sort", "record");
    }

    @Test
    void answersAreDeterminedByThePromptAndOfTheIntendedLength() {
        List<Task> tasks = new ArrayList<>(TaskSuite.hard().train(3).limit(3000).toList());
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (Task t : tasks) {
            int bytes = t.answer().getBytes(StandardCharsets.UTF_8).length;
            min = Math.min(min, bytes);
            max = Math.max(max, bytes);
            switch (t.family()) {
                case "reverse" -> {
                    List<String> words = new ArrayList<>(Arrays.asList(t.prompt().substring(t.prompt().indexOf(':') + 2).split(" ")));
                    java.util.Collections.reverse(words);
                    assertThat(t.answer()).isEqualTo(String.join(" ", words));
                }
                case "sort" -> {
                    List<Integer> in = Arrays.stream(t.prompt().substring(t.prompt().indexOf(':') + 2).split(", "))
                            .map(Integer::parseInt).toList();
                    List<Integer> out = Arrays.stream(t.answer().split(", ")).map(Integer::parseInt).toList();
                    assertThat(out).isSorted().containsExactlyInAnyOrderElementsOf(in);
                    assertThat(new HashSet<>(in)).hasSameSizeAs(in);
                }
                case "xor" -> {
                    String[] operands = t.prompt().substring(t.prompt().indexOf(':') + 2).split(" ");
                    assertThat(operands[0]).hasSize(XorBits.BITS);
                    assertThat(new java.math.BigInteger(t.answer(), 2)).isEqualTo(
                            new java.math.BigInteger(operands[0], 2).xor(new java.math.BigInteger(operands[1], 2)));
                }
                case "record" -> {
                    String body = t.prompt().substring(t.prompt().indexOf(':') + 2);
                    JsonObject json = JsonParser.parseString(t.answer()).getAsJsonObject();
                    List<String> keys = new ArrayList<>(json.keySet());
                    assertThat(keys).isSorted();
                    for (String pair : body.split(";")) {
                        String[] kv = pair.split("=");
                        if (kv[0].equals("age")) {
                            assertThat(json.get("age").getAsInt()).isEqualTo(Integer.parseInt(kv[1]));
                        } else {
                            assertThat(json.get(kv[0]).getAsString()).isEqualTo(kv[1].toUpperCase(java.util.Locale.ROOT));
                        }
                    }
                    assertThat(keys).hasSize(body.split(";").length);
                }
                default -> throw new AssertionError("unexpected family " + t.family());
            }
        }
        assertThat(min).isBetween(25, 35);
        assertThat(max).isBetween(90, 120);
    }

    @Test
    void standardFamiliesTransformThePromptAtFixedWidth() {
        java.util.Map<String, Set<Integer>> promptLengths = new java.util.HashMap<>();
        java.util.Map<String, Set<Integer>> answerLengths = new java.util.HashMap<>();
        for (Task t : suite.train(4).limit(3000).toList()) {
            String body = t.prompt().substring(t.prompt().indexOf(':') + 2);
            promptLengths.computeIfAbsent(t.family(), k -> new HashSet<>()).add(t.prompt().length());
            answerLengths.computeIfAbsent(t.family(), k -> new HashSet<>()).add(t.answer().length());
            switch (t.family()) {
                case "uppercase" -> {
                    assertThat(body.split(" ")).hasSize(UppercaseWords.WORDS).allMatch(w -> w.matches("[a-z]{5}"));
                    assertThat(t.answer()).isEqualTo(body.toUpperCase(java.util.Locale.ROOT));
                }
                case "complement" -> {
                    assertThat(body).matches("[0-9]{" + TaskSuite.SPAN + "}");
                    assertThat(new java.math.BigInteger(body).add(new java.math.BigInteger(t.answer())))
                            .isEqualTo(java.math.BigInteger.TEN.pow(TaskSuite.SPAN).subtract(java.math.BigInteger.ONE));
                }
                case "query" -> {
                    java.util.Map<String, String> record = new java.util.LinkedHashMap<>();
                    for (String field : body.split(" ")) {
                        String[] kv = field.split(":");
                        record.put(kv[0], kv[1]);
                    }
                    assertThat(record.keySet()).containsExactly("id", "from", "to", "seat", "gate", "class", "bag");
                    assertThat(record.get("id")).matches("[0-9]{8}");
                    assertThat(record.get("from")).matches("[A-Z]{3}");
                    List<String> pairs = Arrays.stream(t.answer().split("&")).toList();
                    assertThat(pairs).containsExactlyElementsOf(
                            record.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
                }
                default -> throw new AssertionError("unexpected family " + t.family());
            }
        }
        // fixed width: one prompt length and one answer length per family
        assertThat(promptLengths).hasSize(3).allSatisfy((family, lengths) -> assertThat(lengths).as(family).hasSize(1));
        assertThat(answerLengths).hasSize(3).allSatisfy((family, lengths) -> assertThat(lengths).as(family).containsExactly(TaskSuite.SPAN));
    }

    @Test
    void everyAnswerCharacterComesFromTheSameCharacterOfThePromptsLastSpan() {
        for (Task t : suite.train(5).limit(300).toList()) {
            String source = t.prompt().substring(t.prompt().length() - TaskSuite.SPAN);
            for (int j = 0; j < TaskSuite.SPAN; j++) {
                char in = source.charAt(j);
                char out = t.answer().charAt(j);
                switch (t.family()) {
                    case "uppercase" -> assertThat(out).isEqualTo(Character.toUpperCase(in));
                    case "query" -> assertThat(out).isEqualTo(in == ':' ? '=' : in == ' ' ? '&' : in);
                    case "complement" -> assertThat(out).isEqualTo((char) ('0' + '9' - in));
                    default -> throw new AssertionError(t.family());
                }
            }
        }
    }

    @Test
    void heldOutShareIsAboutTheConfiguredFraction() {
        int held = 0;
        int n = 20_000;
        java.util.Random r = new java.util.Random(5);
        TaskFamily f = new SortNumbers();
        for (int i = 0; i < n; i++) {
            if (TaskSuite.isHeldOut(f.generate(r).prompt())) {
                held++;
            }
        }
        double expected = (double) TaskSuite.HELD_OUT_BUCKETS / TaskSuite.BUCKETS;
        assertThat((double) held / n).isBetween(expected - 0.02, expected + 0.02);
    }
}
