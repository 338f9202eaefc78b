package dev.elasticcache.lab.vision;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.engine.ChatImage;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.tokenizer.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Scores a vision-language engine on reading tasks the way a client asks: the question as the user message, the
 * image attached to it as PNG bytes, the answer compared with the characters shown (exact match, surrounding
 * white space ignored).
 *
 * @param correct     exact answers
 * @param total       tasks
 * @param answerTokens answer tokens decoded, over all tasks
 * @param nfe         model forward passes, over all tasks
 * @param seconds     wall time of all requests (vision tower included)
 * @param misses      up to ten wrong answers as {@code expected -> got}
 * @param byKind      exact answers and tasks per {@link ReadingTask#kind()} (text length and glyph scale)
 */
public record ReadingEvaluation(int correct, int total, long answerTokens, long nfe, double seconds, List<String> misses,
        SortedMap<String, Tally> byKind) {

    /** Exact answers out of tasks. */
    public record Tally(int correct, int total) {
        static Tally of(boolean right) {
            return new Tally(right ? 1 : 0, 1);
        }

        Tally plus(Tally other) {
            return new Tally(correct + other.correct, total + other.total);
        }

        @Override
        public String toString() {
            return correct + "/" + total;
        }
    }

    /** The default decoding of the reading task: gen length 32 in one block, one token a step for the baselines. */
    public static DecodingOptions options(String strategy) {
        return DecodingOptions.builder().strategy(strategy).genLength(32).blockLength(32).steps(0).build();
    }

    public static ReadingEvaluation run(ElasticCacheEngine engine, List<ReadingTask> tasks, DecodingOptions options) {
        int correct = 0;
        long tokens = 0;
        long nfe = 0;
        List<String> misses = new ArrayList<>();
        SortedMap<String, Tally> byKind = new TreeMap<>();
        long start = System.nanoTime();
        for (ReadingTask task : tasks) {
            GenerationResult r = engine.generate(request(task, options));
            tokens += r.stats().answerTokens();
            nfe += r.stats().nfe();
            boolean right = exact(task, r);
            byKind.merge(task.kind(), Tally.of(right), Tally::plus);
            if (right) {
                correct++;
            } else if (misses.size() < 10) {
                misses.add(task.text() + " -> " + r.text().strip());
            }
        }
        return new ReadingEvaluation(correct, tasks.size(), tokens, nfe, (System.nanoTime() - start) / 1e9, misses, byKind);
    }

    /** Whether an answer is exactly the characters shown (surrounding white space ignored). */
    public static boolean exact(ReadingTask task, GenerationResult answer) {
        return answer.text().strip().equals(task.text());
    }

    /** The request a client sends for a task. */
    public static GenerationRequest request(ReadingTask task, DecodingOptions options) {
        return GenerationRequest.builder().messages(List.of(ChatMessage.user(ReadingTask.QUESTION)))
                .images(List.of(new ChatImage(0, TextImages.png(task.image()), "image.png"))).options(options).build();
    }

    public double accuracy() {
        return total == 0 ? 0 : (double) correct / total;
    }
}
