package dev.elasticcache.lab.tasks;

import dev.elasticcache.decode.DecodeResult;
import dev.elasticcache.decode.DecodeRun;
import dev.elasticcache.decode.Decoder;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.model.LladaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Decodes tasks with one of the project's decoders and scores them by exact match. */
public final class Evaluator {
    private final TaskEncoding encoding;
    private final DecodingOptions options;

    public Evaluator(TaskEncoding encoding, DecodingOptions options) {
        this.encoding = encoding;
        this.options = options.validate();
    }

    /** The reference setting: the llada decoder, gen length 128, block 32, one token per step. */
    public static DecodingOptions defaultOptions() {
        return DecodingOptions.builder().strategy("llada").genLength(128).blockLength(32).steps(0).build();
    }

    public DecodingOptions options() {
        return options;
    }

    public Evaluation evaluate(LladaModel model, List<Task> tasks) {
        return evaluate(model, tasks, o -> { });
    }

    /** Decodes every task in order; {@code progress} sees each outcome as it finishes. */
    public Evaluation evaluate(LladaModel model, List<Task> tasks, Consumer<Evaluation.Outcome> progress) {
        long start = System.nanoTime();
        Decoder decoder = Decoder.of(options.strategy());
        List<Evaluation.Outcome> outcomes = new ArrayList<>(tasks.size());
        int eot = encoding.tokenizer().eotTokenId();
        for (Task task : tasks) {
            DecodeResult result = decoder.decode(DecodeRun.of(model, encoding.promptIds(task), options).withTerminators(eot));
            String decoded = encoding.answerText(result.generated());
            Evaluation.Outcome outcome = new Evaluation.Outcome(task, decoded, Scoring.exactMatch(task.answer(), decoded));
            outcomes.add(outcome);
            progress.accept(outcome);
        }
        return new Evaluation(outcomes, (System.nanoTime() - start) / 1e9);
    }
}
