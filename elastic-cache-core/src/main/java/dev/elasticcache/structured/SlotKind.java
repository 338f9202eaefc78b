package dev.elasticcache.structured;

/** What a value slot may hold; each kind has its token constraint and its canonical JSON rendering. */
public enum SlotKind {
    /** String content: tokens without quote, backslash or control characters. */
    STRING,
    /** Integer digits and a sign. */
    INTEGER,
    /** Number digits, a point and a sign. */
    NUMBER,
    /** Any token (free text in a canvas; with the EOS as filler, a free answer). */
    ANY
}
