package dev.elasticcache.decode;

import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.structured.Alignment;
import dev.elasticcache.structured.Slot;
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
    private final DiffusionModel model;
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
    /** Ids at or above this are never chosen (logits wider than the tokenizer's vocabulary); MAX_VALUE: no limit. */
    private int vocabularyLimit = Integer.MAX_VALUE;
    /** Structured runs only: the canvas, the slot of every position (or null) and the positions a filler closed. */
    private final AnswerCanvas canvas;
    private final Slot[] slotAt;
    private final boolean[] closed;
    private final java.util.Set<Slot> slotsClosed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    public DecodeRun(DiffusionModel model, int[] prompt, DecodingOptions options, DecodeListener listener,
            BooleanSupplier cancelled, boolean tracing) {
        this(model, prompt, null, options, listener, cancelled, tracing);
    }

    /**
     * A run whose answer region is {@code canvas} (fixed text and constrained slots) instead of
     * {@code options.genLength()} free masks; null gives the free run.
     */
    public DecodeRun(DiffusionModel model, int[] prompt, AnswerCanvas canvas, DecodingOptions options,
            DecodeListener listener, BooleanSupplier cancelled, boolean tracing) {
        this.model = model;
        this.options = options.validate();
        if (model.logitsShift() && prompt.length == 0) {
            throw new IllegalArgumentException(model.family().displayName() + " predicts position p from the logits of"
                    + " position p-1, so the prompt must hold at least one token");
        }
        this.promptLength = prompt.length;
        this.maskId = model.maskTokenId();
        this.canvas = canvas;
        int gen = canvas == null ? options.genLength() : canvas.tokens().length;
        this.sequence = Arrays.copyOf(prompt, prompt.length + gen);
        if (canvas == null) {
            Arrays.fill(sequence, prompt.length, sequence.length, maskId);
            this.slotAt = null;
            this.closed = null;
        } else {
            System.arraycopy(canvas.tokens(), 0, sequence, prompt.length, gen);
            this.slotAt = new Slot[sequence.length];
            for (Slot s : canvas.slots()) {
                Arrays.fill(slotAt, prompt.length + s.start(), prompt.length + s.start() + s.width(), s);
            }
            this.closed = new boolean[sequence.length];
        }
        this.listener = listener == null ? DecodeListener.NONE : listener;
        this.cancelled = cancelled == null ? () -> false : cancelled;
        this.tracing = tracing;
        this.random = new Random(options.seed());
        this.terminators = new int[] {model.eosTokenId(), maskId};
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

    /**
     * Never chooses an id at or above {@code limit}: for a model whose logits rows are wider than its tokenizer's
     * vocabulary (Dream-7B: 152064 rows, ids up to 151666), the padding columns count as minus infinity, so
     * they neither win nor change any confidence.
     */
    public DecodeRun withVocabularyLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("vocabulary limit must be positive, got " + limit);
        }
        vocabularyLimit = limit;
        return this;
    }

    /** A run with no listener, no cancellation and no trace. */
    public static DecodeRun of(DiffusionModel model, int[] prompt, DecodingOptions options) {
        return new DecodeRun(model, prompt, options, null, null, false);
    }

    public DiffusionModel model() {
        return model;
    }

    /**
     * The logits rows that decide {@code positions} (in order): p itself, or p-1 for a family with shifted
     * logits (Dream). See {@link Forward#logitRows}.
     */
    public int[] logitRows(int[] positions) {
        return Forward.logitRows(model, positions);
    }

    public DecodingOptions options() {
        return options;
    }

    public int promptLength() {
        return promptLength;
    }

    /** Answer positions: the generation length, or the canvas length of a structured run. */
    public int genLength() {
        return sequence.length - promptLength;
    }

    /** True for a structured run (an answer canvas with slots). */
    public boolean hasCanvas() {
        return canvas != null;
    }

    /** The canvas of a structured run, or null. */
    public AnswerCanvas canvas() {
        return canvas;
    }

    /**
     * True while {@code position} is masked and no filler has closed it: a filler decoded in a slot ends the value
     * there, and the slot's positions beyond it (after it when left-aligned, before it when right-aligned) are
     * left out, as an early EOS leaves out the rest of a free answer.
     */
    public boolean isOpen(int position) {
        return isMasked(position) && (closed == null || !closed[position]);
    }

    /**
     * Choices and confidences of {@code positions}' logit rows, each row restricted to the tokens its slot admits
     * (unrestricted outside slots and in free runs).
     */
    public Predictions predict(float[] logits, int[] positions) {
        int width = positions.length == 0 ? 0 : logits.length / positions.length;
        if (vocabularyLimit < width) {
            for (int r = 0; r < positions.length; r++) {
                Arrays.fill(logits, r * width + vocabularyLimit, (r + 1) * width, Float.NEGATIVE_INFINITY);
            }
        }
        if (canvas == null) {
            return Predictions.of(logits, positions.length, options.temperature(), random, null, maskId);
        }
        boolean[][] admitted = new boolean[positions.length][];
        for (int i = 0; i < positions.length; i++) {
            Slot s = slotAt[positions[i]];
            if (s != null) {
                admitted[i] = canvas.format().admittedMask(s, positions[i] - promptLength - s.start());
            }
        }
        return Predictions.of(logits, positions.length, options.temperature(), random, admitted, maskId);
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
        if (canvas != null) {
            closeSlots(positions, tokens);
        }
        tokensDecoded += positions.length;
        StepRecord record = new StepRecord(steps++, window, queryRows, startReset, track, positions, tokens);
        if (tracing) {
            trace.add(record);
        }
        listener.onStep(record, sequence);
    }

    /**
     * The first step that decodes a filler in a slot closes the slot beyond the filler nearest its value side
     * (the same rule as the first EOS of a free answer: fillers decoded later close nothing more).
     */
    private void closeSlots(int[] positions, int[] tokens) {
        boolean left = canvas.format().alignment() == Alignment.LEFT;
        java.util.Map<Slot, Integer> edge = new java.util.IdentityHashMap<>();
        for (int i = 0; i < positions.length; i++) {
            Slot slot = slotAt[positions[i]];
            if (slot != null && tokens[i] == canvas.format().filler() && !slotsClosed.contains(slot)) {
                edge.merge(slot, positions[i], left ? Math::min : Math::max);
            }
        }
        edge.forEach((slot, position) -> {
            slotsClosed.add(slot);
            int start = promptLength + slot.start();
            if (left) {
                Arrays.fill(closed, position + 1, start + slot.width(), true);
            } else {
                Arrays.fill(closed, start, position, true);
            }
        });
    }

    /** Ends the run and builds the result. */
    public DecodeResult finish() {
        long wall = System.nanoTime() - start;
        int layers = model.layers();
        double fraction = nfe == 0 ? 0 : recomputedLayers / ((double) nfe * layers);
        DecodingStats stats = new DecodingStats(options.strategy(), nfe, layerRows, fraction, tokensDecoded,
                answerTokens(), wall);
        List<Slot> absolute = canvas == null ? List.of() : canvas.slots().stream()
                .map(sl -> new Slot(sl.path(), sl.kind(), promptLength + sl.start(), sl.width(), sl.minTokens(), sl.maxLength()))
                .toList();
        return new DecodeResult(sequence.clone(), promptLength, stats, List.copyOf(trace), absolute);
    }

    /** Generated tokens before the first EOS, EoT or leftover mask; of a canvas, its document's non-filler tokens. */
    int answerTokens() {
        if (canvas == null) {
            return AnswerSpan.length(sequence, promptLength, terminators);
        }
        int n = 0;
        for (int i = 0; i < canvas.documentLength(); i++) {
            int t = sequence[promptLength + i];
            n += t == maskId || t == canvas.format().filler() ? 0 : 1;
        }
        return n;
    }
}
