package dev.elasticcache.decode;

import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The mutable state of one generation shared by every strategy: the token sequence, the cost counters, the
 * trace and the hooks (listener, cancellation). A decoder drives it step by step through {@link #commit}.
 */
public final class DecodeRun {
    private final LladaModel model;
    private final DecodingOptions options;
    private final int promptLength;
    private final int[] sequence;
    private final DecodeListener listener;
    private final BooleanSupplier cancelled;
    private final boolean tracing;
    private final List<StepRecord> trace = new ArrayList<>();
    private final Random random;
    private final int maskId;
    private final long start = System.nanoTime();
    private int nfe;
    private long layerRows;
    private double recomputedLayers;
    private int tokensDecoded;
    private int steps;
    private int[] terminators;

    public DecodeRun(LladaModel model, int[] prompt, DecodingOptions options, DecodeListener listener,
            BooleanSupplier cancelled, boolean tracing) {
        this.model = model;
        this.options = options.validate();
        this.promptLength = prompt.length;
        this.maskId = model.config().maskTokenId();
        this.sequence = Arrays.copyOf(prompt, prompt.length + options.genLength());
        Arrays.fill(sequence, prompt.length, sequence.length, maskId);
        this.listener = listener == null ? DecodeListener.NONE : listener;
        this.cancelled = cancelled == null ? () -> false : cancelled;
        this.tracing = tracing;
        this.random = new Random(options.seed());
        this.terminators = new int[] {model.config().eosTokenId(), maskId};
    }

    /**
     * Adds token ids that end the answer besides EOS and the mask (the tokenizer's end-of-turn token).
     */
    public DecodeRun withTerminators(int... extra) {
        int[] all = Arrays.copyOf(terminators, terminators.length + extra.length);
        System.arraycopy(extra, 0, all, terminators.length, extra.length);
        terminators = all;
        return this;
    }

    /** A run with no listener, no cancellation and no trace. */
    public static DecodeRun of(LladaModel model, int[] prompt, DecodingOptions options) {
        return new DecodeRun(model, prompt, options, null, null, false);
    }

    public LladaModel model() {
        return model;
    }

    public LladaConfig config() {
        return model.config();
    }

    public DecodingOptions options() {
        return options;
    }

    public int promptLength() {
        return promptLength;
    }

    /** Total sequence length N = prompt + generation. */
    public int length() {
        return sequence.length;
    }

    /** Live token sequence; decoders read it, only {@link #commit} writes it. */
    public int[] tokens() {
        return sequence;
    }

    public int token(int position) {
        return sequence[position];
    }

    public boolean isMasked(int position) {
        return sequence[position] == maskId;
    }

    public Random random() {
        return random;
    }

    /** Masked positions in [from, to), ascending. */
    public int[] maskedIn(int from, int to) {
        return java.util.stream.IntStream.range(from, to).filter(this::isMasked).toArray();
    }

    /** Throws {@link DecodeCancelledException} if the caller cancelled; call once per step. */
    public void checkCancelled() {
        if (cancelled.getAsBoolean()) {
            throw new DecodeCancelledException(nfe);
        }
    }

    /**
     * Accounts one forward pass.
     *
     * @param rowsPerLayer rows computed in each layer of this forward
     * @param fullyRecomputedLayers layers recomputed for every row (what the recompute fraction counts)
     */
    public void countForward(long rowsPerLayerSum, double fullyRecomputedLayers) {
        nfe++;
        layerRows += rowsPerLayerSum;
        recomputedLayers += fullyRecomputedLayers;
    }

    /** Writes the step's decoded tokens, records the step and notifies the listener. */
    public void commit(int[] window, int[] queryRows, int startReset, int[] track, int[] positions, int[] tokens) {
        for (int i = 0; i < positions.length; i++) {
            sequence[positions[i]] = tokens[i];
        }
        tokensDecoded += positions.length;
        StepRecord record = new StepRecord(steps++, window, queryRows, startReset, track, positions, tokens);
        if (tracing) {
            trace.add(record);
        }
        listener.onStep(record, sequence);
    }

    /** Ends the run and builds the result. */
    public DecodeResult finish() {
        long wall = System.nanoTime() - start;
        int layers = model.config().nLayers();
        double fraction = nfe == 0 ? 0 : recomputedLayers / ((double) nfe * layers);
        DecodingStats stats = new DecodingStats(options.strategy(), nfe, layerRows, fraction, tokensDecoded,
                answerTokens(), wall);
        return new DecodeResult(sequence.clone(), promptLength, stats, List.copyOf(trace));
    }

    /** Generated tokens before the first EOS, EoT or leftover mask. */
    int answerTokens() {
        return AnswerSpan.length(sequence, promptLength, terminators);
    }
}
