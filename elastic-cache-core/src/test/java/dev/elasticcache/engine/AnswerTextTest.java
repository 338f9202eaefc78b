package dev.elasticcache.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streaming text from a partially decoded sequence: never retracted, cut at end tokens and stop sequences. */
class AnswerTextTest {
    static final int MASK = TinyTokenizerFiles.MASK_ID;
    static final int EOS = TinyTokenizerFiles.EOS_ID;

    @TempDir
    static Path dir;

    static LladaTokenizer tokenizer;

    @BeforeAll
    static void open() {
        TinyTokenizerFiles.write(dir);
        tokenizer = LladaTokenizer.open(dir);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /** Prompt of one token, then the answer ids, then masks up to {@code length}. */
    static int[] sequence(String answer, int masksAfter) {
        int[] ids = tokenizer.encode(answer);
        int[] seq = new int[1 + ids.length + masksAfter];
        seq[0] = TinyTokenizerFiles.BOS_ID;
        System.arraycopy(ids, 0, seq, 1, ids.length);
        Arrays.fill(seq, 1 + ids.length, seq.length, MASK);
        return seq;
    }

    AnswerText text(List<String> stops) {
        return new AnswerText(tokenizer, 1, MASK, new int[] {EOS, TinyTokenizerFiles.EOT_ID}, stops);
    }

    @Test
    void emitsOnlyTheFinishedPrefixAndCompletesAtTheEndToken() {
        AnswerText t = text(List.of());
        int[] seq = sequence("hello world", 4);
        seq[7] = MASK; // "hello " finished, "world" not yet contiguous
        assertThat(t.advance(seq, false)).isEqualTo("hello ");
        seq[7] = tokenizer.encode("w")[0];
        seq[seq.length - 4] = EOS;
        assertThat(t.advance(seq, false)).isEqualTo("world");
        assertThat(t.text()).isEqualTo("hello world");
    }

    @Test
    void holdsBackAPossibleStopSequenceStartAndCutsAtTheStop() {
        AnswerText t = text(List.of("\n\n"));
        assertThat(t.advance(sequence("line one\n", 5), false)).isEqualTo("line one");
        assertThat(t.stopped()).isFalse();
        assertThat(t.advance(sequence("line one\n\nmore", 2), false)).isEmpty();
        assertThat(t.stopped()).isTrue();
        assertThat(t.text()).isEqualTo("line one");
    }

    @Test
    void holdsBackAnIncompleteUtf8Character() {
        AnswerText t = text(List.of());
        int[] full = sequence("añb", 2);
        int[] partial = full.clone();
        partial[3] = MASK; // only the first byte of 'ñ' is finished
        assertThat(t.advance(partial, false)).isEqualTo("a");
        assertThat(t.advance(full, false)).isEqualTo("ñb");
    }
}
