package dev.elasticcache.lab.tasks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Exact-match results of a list of tasks.
 *
 * @param outcomes one per task, in order
 * @param seconds wall time of the decoding
 */
public record Evaluation(List<Outcome> outcomes, double seconds) {

    /** One decoded task. */
    public record Outcome(Task task, String decoded, boolean correct) {}

    /** Correct and total counts per family, families in first-seen order. */
    public Map<String, int[]> perFamily() {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            int[] c = out.computeIfAbsent(o.task().family(), f -> new int[2]);
            c[0] += o.correct() ? 1 : 0;
            c[1]++;
        }
        return out;
    }

    /**
     * Correct and total counts per field of the structured answers, as {@code family.field} (a call's name is
     * {@code tool.name}, its arguments {@code tool.city}, ...): a decoded answer that is not JSON misses every field.
     */
    public Map<String, int[]> perField() {
        Map<String, int[]> out = new java.util.TreeMap<>();
        for (Outcome o : outcomes) {
            if (!o.task().structured()) {
                continue;
            }
            Map<String, String> expected = Scoring.fields(o.task().answer());
            Map<String, String> decoded;
            try {
                decoded = Scoring.fields(o.decoded());
            } catch (RuntimeException notJson) {
                decoded = Map.of();
            }
            for (Map.Entry<String, String> e : expected.entrySet()) {
                int[] c = out.computeIfAbsent(o.task().family() + "." + e.getKey(), f -> new int[2]);
                c[0] += e.getValue().equals(decoded.get(e.getKey())) ? 1 : 0;
                c[1]++;
            }
        }
        return out;
    }

    /** One line: correct/total per field. */
    public String fieldSummary() {
        List<String> parts = new ArrayList<>();
        perField().forEach((f, c) -> parts.add(f + " " + c[0] + "/" + c[1]));
        return String.join(", ", parts);
    }

    public int correct() {
        return (int) outcomes.stream().filter(Outcome::correct).count();
    }

    /** Mean {@link Scoring#characterAccuracy} over the outcomes. */
    public double characterAccuracy() {
        return outcomes.stream().mapToDouble(o -> Scoring.characterAccuracy(o.task().answer(), o.decoded())).average().orElse(0);
    }

    public double accuracy() {
        return outcomes.isEmpty() ? 0 : (double) correct() / outcomes.size();
    }

    /** Accuracy per family, e.g. for {@code training.json}. */
    public Map<String, Double> familyAccuracy() {
        Map<String, Double> out = new LinkedHashMap<>();
        perFamily().forEach((f, c) -> out.put(f, (double) c[0] / c[1]));
        return out;
    }

    /** One line: overall and per-family exact match. */
    public String summary() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "exact match %d/%d = %.1f%%",
                correct(), outcomes.size(), 100 * accuracy()));
        List<String> parts = new ArrayList<>();
        perFamily().forEach((f, c) -> parts.add(String.format(Locale.ROOT, "%s %d/%d = %.1f%%", f, c[0], c[1],
                100.0 * c[0] / c[1])));
        if (!parts.isEmpty()) {
            sb.append(" [").append(String.join(", ", parts)).append(']');
        }
        sb.append(String.format(Locale.ROOT, ", characters %.1f%% (%.1f s)", 100 * characterAccuracy(), seconds));
        return sb.toString();
    }
}
