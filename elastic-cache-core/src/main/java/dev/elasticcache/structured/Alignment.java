package dev.elasticcache.structured;

import java.util.Locale;

/**
 * Where a value sits inside its fixed-width slot. {@link #LEFT}: the value first, fillers after it (how LLaDA pads
 * an answer with EOS). {@link #RIGHT}: fillers first, the value ending at the slot's end, so the value's last
 * character lies at a fixed distance from the fixed text after it (what the shipped tiny model was trained on).
 * A model folder names its alignment in {@code generation_config.json} ({@code infill_alignment}).
 */
public enum Alignment {
    LEFT,
    RIGHT;

    public static Alignment parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("infill alignment must be 'left' or 'right', got '" + value + "'");
        }
    }
}
