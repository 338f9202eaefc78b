package dev.elasticcache.structured;

import dev.elasticcache.tokenizer.TokenText;
import java.util.Arrays;

/**
 * How one model's tokenizer and training shape a canvas: the filler token that pads a value inside its slot,
 * the alignment of values in slots, the mask id, and which tokens each slot kind admits (precomputed once per
 * vocabulary: a token is admitted when its own text fits the kind, so any run of admitted tokens does).
 */
public final class InfillFormat {
    private final TokenText text;
    private final int filler;
    private final int maskId;
    private final Alignment alignment;
    private final boolean[] stringTokens;
    private final boolean[] integerTokens;
    private final boolean[] numberTokens;
    private final boolean[] anyTokens;
    /** Admitted masks per kind, with and without the filler: shared, read-only. */
    private final java.util.Map<String, boolean[]> masks = new java.util.concurrent.ConcurrentHashMap<>();

    public InfillFormat(TokenText text, int filler, int maskId, Alignment alignment) {
        if (filler < 0 || filler >= text.vocabSize() || filler == maskId) {
            throw new IllegalArgumentException("infill filler token id " + filler + " must be a vocabulary id other than the mask");
        }
        this.text = text;
        this.filler = filler;
        this.maskId = maskId;
        this.alignment = alignment;
        int vocab = text.vocabSize();
        this.stringTokens = new boolean[vocab];
        this.integerTokens = new boolean[vocab];
        this.numberTokens = new boolean[vocab];
        this.anyTokens = new boolean[vocab];
        Arrays.fill(anyTokens, true);
        anyTokens[filler] = false;
        for (int id = 0; id < vocab; id++) {
            if (id == filler || id == maskId || text.isSpecial(id)) {
                continue;
            }
            String t = text.decode(new int[] {id});
            stringTokens[id] = isStringContent(t);
            integerTokens[id] = !t.isEmpty() && t.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '-');
            numberTokens[id] = !t.isEmpty() && t.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '-' || c == '.');
        }
    }

    /** Non-empty, complete text that a JSON string can hold unescaped. */
    static boolean isStringContent(String t) {
        if (t.isEmpty()) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f || c == '\uFFFD' || Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c) && i + 1 < t.length() && Character.isLowSurrogate(t.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(t.charAt(i - 1)))) {
                return false;
            }
        }
        return true;
    }

    public TokenText text() {
        return text;
    }

    public int filler() {
        return filler;
    }

    public int maskId() {
        return maskId;
    }

    public Alignment alignment() {
        return alignment;
    }

    /** Ids of fixed canvas text. */
    public int[] encode(String fixed) {
        return text.encode(fixed);
    }

    /** Whether {@code token} may stand at index {@code i} of {@code slot}. */
    public boolean admits(Slot slot, int i, int token) {
        if (token == filler) {
            return slot.fillerAllowed(i, alignment);
        }
        return base(slot.kind())[token];
    }

    private boolean[] base(SlotKind kind) {
        return switch (kind) {
            case STRING -> stringTokens;
            case INTEGER -> integerTokens;
            case NUMBER -> numberTokens;
            case ANY -> anyTokens;
        };
    }

    /** {@link #admitted}, cached: the same array for every slot of a kind and filler rule; do not modify it. */
    public boolean[] admittedMask(Slot slot, int i) {
        boolean filler = slot.fillerAllowed(i, alignment);
        return masks.computeIfAbsent(slot.kind() + (filler ? "+" : "-"), k -> {
            boolean[] out = Arrays.copyOf(base(slot.kind()), text.vocabSize());
            out[this.filler] = filler;
            return out;
        });
    }

    /** The admitted tokens at index {@code i} of {@code slot}, as a vocabulary mask. */
    public boolean[] admitted(Slot slot, int i) {
        return admittedMask(slot, i).clone();
    }

    /** The value ids of a decoded slot: before the first filler (left) or after the last one (right). */
    public int[] valueIds(int[] slotTokens) {
        int from = 0;
        int to = slotTokens.length;
        if (alignment == Alignment.LEFT) {
            for (int i = 0; i < slotTokens.length; i++) {
                if (isGap(slotTokens[i])) {
                    to = i;
                    break;
                }
            }
        } else {
            for (int i = slotTokens.length - 1; i >= 0; i--) {
                if (isGap(slotTokens[i])) {
                    from = i + 1;
                    break;
                }
            }
        }
        return Arrays.copyOfRange(slotTokens, from, to);
    }

    /** A filler, or a mask left undecoded because a filler closed the rest of its slot. */
    private boolean isGap(int token) {
        return token == filler || token == maskId;
    }

    /** {@code value} padded with fillers to {@code width} on the side the alignment leaves empty. */
    public int[] pad(int[] value, int width) {
        if (value.length > width) {
            throw new IllegalArgumentException("value of " + value.length + " tokens does not fit its slot of " + width);
        }
        int[] out = new int[width];
        Arrays.fill(out, filler);
        System.arraycopy(value, 0, out, alignment == Alignment.LEFT ? 0 : width - value.length, value.length);
        return out;
    }
}
