package dev.elasticcache.tokenizer;

/** A tokenizer whatever the family: fixed text to ids, ids to text, and which ids are special. */
public interface TokenText {

    /** Ids of plain text (no BOS). */
    int[] encode(String text);

    /** Text of ids, special tokens skipped. */
    String decode(int[] ids);

    /** Text of ids, special tokens written out unless {@code skipSpecial}. */
    String decode(int[] ids, boolean skipSpecial);

    /** Number of ids. */
    int vocabSize();

    /** True for special tokens (never value text). */
    boolean isSpecial(int id);
}
