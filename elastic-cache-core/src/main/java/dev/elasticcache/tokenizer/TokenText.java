package dev.elasticcache.tokenizer;

/** The tokenizer as infilling sees it: fixed text to ids, ids to text, and which ids are special. */
public interface TokenText {

    /** Ids of plain text (no BOS). */
    int[] encode(String text);

    /** Text of ids, special tokens skipped. */
    String decode(int[] ids);

    /** Number of ids. */
    int vocabSize();

    /** True for special tokens (never value text). */
    boolean isSpecial(int id);
}
