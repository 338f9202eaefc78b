package dev.elasticcache.tokenizer;

import static dev.elasticcache.tokenizer.DreamTokenizerFiles.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import dev.elasticcache.checkpoint.CheckpointException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DreamTokenizerTest {

    /**
     * Exercises the Qwen2 pre-tokenizer (contractions, one digit per piece, a space glued to the next word or
     * symbol run, trailing whitespace runs), NFC (e + combining acute = é), byte-level symbols and merge ranks.
     */
    static final String TEXT = "hello world<|im_end|>\n123 he\u0301llo  !It's<|mask|>a   b";

    /**
     * Worked out by hand from the merges in rank order. "hello": (h,e) -> he, (l,l) -> ll, (he,ll) -> hell,
     * (hell,o) -> hello. " world" = Ġworld by Ġw, or, Ġwor, ld, Ġworld. "\n" is one piece; "123" is three
     * pieces (\p{N} takes one digit), so the merge "1 2" never applies. " héllo" (NFC) = Ġ h Ã © ll o: no merge
     * reaches across the two UTF-8 bytes of é. "  !" = " " + " !" (\s+(?!\S) leaves the space before "!"), so
     * "Ġ Ġ" does not merge there; "It's" = It + 's; "a   b" = a + "  " (ĠĠ) + " b".
     */
    static final int[] IDS = {
        DreamTokenizerFiles.HELLO, DreamTokenizerFiles.SPACE_WORLD, DreamTokenizerFiles.IM_END,
        b('\n'), b('1'), b('2'), b('3'),
        b(' '), b('h'), b(0xC3), b(0xA9), DreamTokenizerFiles.LL, b('o'),
        b(' '), b(' '), b('!'),
        b('I'), b('t'), b('\''), b('s'),
        DreamTokenizerFiles.MASK,
        b('a'), DreamTokenizerFiles.TWO_SPACES, b(' '), b('b'),
    };

    @TempDir
    Path dir;

    @Test
    void vocabAndMergesGiveTheHandWorkedIds() throws Exception {
        Path folder = DreamTokenizerFiles.writeSlowFiles(dir.resolve("slow"), null);
        try (DreamTokenizer tok = DreamTokenizer.open(folder)) {
            assertThat(tok.fromVocabFiles()).isTrue();
            assertThat(tok.encode(TEXT)).containsExactly(IDS);
            checkSpecials(tok);
        }
    }

    @Test
    void tokenizerJsonGivesTheSameIds() throws Exception {
        Path folder = DreamTokenizerFiles.writeTokenizerJson(dir.resolve("fast"), null);
        try (DreamTokenizer tok = DreamTokenizer.open(folder)) {
            assertThat(tok.fromVocabFiles()).isFalse();
            assertThat(tok.encode(TEXT)).containsExactly(IDS);
            checkSpecials(tok);
        }
    }

    @Test
    void bothRoutesAgreeOnMoreText() throws Exception {
        Path slow = DreamTokenizerFiles.writeSlowFiles(dir.resolve("slow"), null);
        Path fast = DreamTokenizerFiles.writeTokenizerJson(dir.resolve("fast"), null);
        List<String> texts = List.of("", " ", "\n\n\r\n  \t", "Hello, World!! 42\t\tx", "héllo wörld — ünïcödé 日本語 🙂",
                "<|im_start|>user\nhi<|im_end|>\n", "you'RE we'll I'D", "a\u00a0b\u2028c", "<|endoftext|><|mask|><|mask|>",
                "hellohello worldworld  world", "  leading and trailing  ", "12345 1,2 3.4");
        try (DreamTokenizer a = DreamTokenizer.open(slow); DreamTokenizer b = DreamTokenizer.open(fast)) {
            for (String t : texts) {
                int[] ids = a.encode(t);
                assertThat(ids).as("ids of %s", t).containsExactly(b.encode(t));
                assertThat(a.decode(ids, false)).as("round trip of %s", t)
                        .isEqualTo(java.text.Normalizer.normalize(t, java.text.Normalizer.Form.NFC));
            }
        }
    }

    private static void checkSpecials(DreamTokenizer tok) {
        assertThat(tok.maskTokenId()).isEqualTo(DreamTokenizerFiles.MASK);
        assertThat(tok.eosTokenId()).isEqualTo(DreamTokenizerFiles.ENDOFTEXT);
        assertThat(tok.imStartTokenId()).hasValue(DreamTokenizerFiles.IM_START);
        assertThat(tok.imEndTokenId()).hasValue(DreamTokenizerFiles.IM_END);
        assertThat(tok.beginOfTextTokenId()).hasValue(DreamTokenizerFiles.BEGINOFTEXT);
        assertThat(tok.vocabSize()).isEqualTo(272);
        assertThat(tok.isSpecial(DreamTokenizerFiles.MASK)).isTrue();
        assertThat(tok.isSpecial(DreamTokenizerFiles.HELLO)).isFalse();
        assertThat(tok.encode("<|beginoftext|>hello")).containsExactly(DreamTokenizerFiles.BEGINOFTEXT, DreamTokenizerFiles.HELLO);
        // nothing added automatically, no truncation at DJL's default of 512
        assertThat(tok.encode("hello")).containsExactly(DreamTokenizerFiles.HELLO);
        assertThat(tok.encode("hello".repeat(700))).hasSize(700);
        String nfc = "hello world<|im_end|>\n123 h\u00e9llo  !It's<|mask|>a   b";
        assertThat(tok.decode(IDS, false)).isEqualTo(nfc);
        assertThat(tok.decode(IDS)).isEqualTo("hello world\n123 h\u00e9llo  !It'sa   b");
        assertThatThrownBy(() -> tok.decode(new int[] {272}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("272");
    }

    @Test
    void rendersDreamsChatMlPrompt() throws Exception {
        for (Path folder : List.of(DreamTokenizerFiles.writeSlowFiles(dir.resolve("slow"), DreamTokenizerFiles.CHATML_TEMPLATE),
                DreamTokenizerFiles.writeTokenizerJson(dir.resolve("fast"), DreamTokenizerFiles.CHATML_TEMPLATE))) {
            try (DreamTokenizer tok = DreamTokenizer.open(folder)) {
                // dream.md §1.5: one user turn, no BOS, no trim
                assertThat(tok.renderChat(List.of(ChatMessage.user(" hello world ")))).isEqualTo(
                        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                                + "<|im_start|>user\n hello world <|im_end|>\n<|im_start|>assistant\n");
                int[] ids = tok.encodeChat(List.of(ChatMessage.system("hello"), ChatMessage.user("world")));
                assertThat(ids).containsExactly(DreamTokenizerFiles.IM_START, b('s'), b('y'), b('s'), b('t'), b('e'), b('m'),
                        b('\n'), DreamTokenizerFiles.HELLO, DreamTokenizerFiles.IM_END, b('\n'),
                        DreamTokenizerFiles.IM_START, b('u'), b('s'), b('e'), b('r'), b('\n'), b('w'), 261 /* or */, 263 /* ld */,
                        DreamTokenizerFiles.IM_END, b('\n'),
                        DreamTokenizerFiles.IM_START, b('a'), b('s'), b('s'), b('i'), b('s'), b('t'), b('a'), b('n'), b('t'), b('\n'));
            }
        }
    }

    @Test
    void noChatTemplateIsAClearError() throws Exception {
        Path folder = DreamTokenizerFiles.writeSlowFiles(dir, null);
        try (DreamTokenizer tok = DreamTokenizer.open(folder)) {
            assertThat(tok.chatTemplate()).isEmpty();
            assertThatThrownBy(() -> tok.renderChat(List.of(ChatMessage.user("x"))))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(dir.resolve("tokenizer_config.json").toString())
                    .hasMessageContaining("no chat_template");
        }
    }

    @Test
    void missingFilesAreReported() throws Exception {
        assertThatThrownBy(() -> DreamTokenizer.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("expected tokenizer.json, or vocab.json and merges.txt");
        DreamTokenizerFiles.writeSlowFiles(dir, null);
        Files.delete(dir.resolve("merges.txt"));
        assertThatThrownBy(() -> DreamTokenizer.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("merges.txt").toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void badMergesNameTheFileAndTheLine() throws Exception {
        DreamTokenizerFiles.writeSlowFiles(dir, null);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nh e\nx y z\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DreamTokenizer.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("merges.txt").toString())
                .hasMessageContaining("line 3 is not a merge of two pieces");
        Files.writeString(dir.resolve("merges.txt"), "h e\nq z\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DreamTokenizer.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("line 2 merges 'q' and 'z' into 'qz', which vocab.json does not have");
    }

    @Test
    void tokenizerWithoutMaskTokenIsRejected() throws Exception {
        DreamTokenizerFiles.writeSlowFiles(dir, null);
        JsonObject cfg = DreamTokenizerFiles.tokenizerConfig(null);
        cfg.getAsJsonObject("added_tokens_decoder").remove(String.valueOf(DreamTokenizerFiles.MASK));
        Files.writeString(dir.resolve("tokenizer_config.json"), cfg.toString(), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DreamTokenizer.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("tokenizer_config.json").toString())
                .hasMessageContaining("has no <|mask|> added token");
    }
}
