package dev.elasticcache.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyTokenizerFilesTest {

    @TempDir
    static Path dir;
    static LladaTokenizer tok;

    @BeforeAll
    static void open() {
        TinyTokenizerFiles.write(dir);
        tok = LladaTokenizer.open(dir);
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void byteMappingFollowsGpt2Order() {
        assertThat(TinyTokenizerFiles.byteToId('!')).isEqualTo(0);
        assertThat(TinyTokenizerFiles.byteToId('~')).isEqualTo('~' - '!');
        assertThat(TinyTokenizerFiles.byteToId(0xA1)).isEqualTo(94);
        assertThat(TinyTokenizerFiles.byteToId(0x00)).isEqualTo(188);
        assertThat(TinyTokenizerFiles.byteSymbol(' ')).isEqualTo("\u0120");
        assertThat(TinyTokenizerFiles.byteSymbol('\n')).isEqualTo("\u010a");
        Set<Integer> ids = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            ids.add(TinyTokenizerFiles.byteToId(b));
            assertThat(TinyTokenizerFiles.idToByte(TinyTokenizerFiles.byteToId(b))).isEqualTo(b);
        }
        assertThat(ids).hasSize(256);
    }

    @Test
    void encodesEveryUtf8ByteAsOneToken() {
        String text = "héllo – 你好\nnew line\t tab  two spaces";
        int[] ids = tok.encode(text);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThat(ids).hasSize(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            assertThat(ids[i]).isEqualTo(TinyTokenizerFiles.byteToId(bytes[i] & 0xff));
        }
    }

    @Test
    void roundTripsAsciiUnicodeAndNewlines() {
        for (String s : List.of("Hello, world!", "héllo – 你好", "a\nb\r\n\n  c ", " leading space", "emoji 🙂 ok", "")) {
            assertThat(tok.decode(tok.encode(s))).isEqualTo(s);
        }
    }

    @Test
    void specialTokensAreSingleIdsInATemplatedChat() {
        int[] ids = tok.encodeChat(List.of(ChatMessage.user("Hi")));
        int[] expected = new int[] {
            TinyTokenizerFiles.BOS_ID, TinyTokenizerFiles.START_HEADER_ID,
            b('u'), b('s'), b('e'), b('r'), TinyTokenizerFiles.END_HEADER_ID, b('\n'), b('\n'),
            b('H'), b('i'), TinyTokenizerFiles.EOT_ID, TinyTokenizerFiles.START_HEADER_ID,
            b('a'), b('s'), b('s'), b('i'), b('s'), b('t'), b('a'), b('n'), b('t'), TinyTokenizerFiles.END_HEADER_ID,
            b('\n'), b('\n')};
        assertThat(ids).containsExactly(expected);
        assertThat(tok.decode(ids)).isEqualTo("user\n\nHiassistant\n\n");
        assertThat(tok.decode(ids, false)).isEqualTo(tok.renderChat(List.of(ChatMessage.user("Hi"))));
        assertThat(tok.encode(LladaTokenizer.MASK_TOKEN + LladaTokenizer.MASK_TOKEN))
                .containsExactly(TinyTokenizerFiles.MASK_ID, TinyTokenizerFiles.MASK_ID);
    }

    @Test
    void exposesIdsAndConfig() {
        assertThat(tok.vocabSize()).isEqualTo(TinyTokenizerFiles.VOCAB_SIZE);
        assertThat(tok.maskTokenId()).isEqualTo(TinyTokenizerFiles.MASK_ID);
        assertThat(tok.bosTokenId()).isEqualTo(TinyTokenizerFiles.BOS_ID);
        assertThat(tok.eosTokenId()).isEqualTo(TinyTokenizerFiles.EOS_ID);
        assertThat(tok.eotTokenId()).isEqualTo(TinyTokenizerFiles.EOT_ID);
        assertThat(tok.startHeaderTokenId()).isEqualTo(TinyTokenizerFiles.START_HEADER_ID);
        assertThat(tok.endHeaderTokenId()).isEqualTo(TinyTokenizerFiles.END_HEADER_ID);
        assertThat(tok.chatTemplateSource()).contains(ChatTemplate.LLADA_JINJA);
        assertThat(tok.isSpecial(TinyTokenizerFiles.MASK_ID)).isTrue();
        assertThat(tok.isSpecial(5)).isFalse();
    }

    @Test
    void doesNotTruncateLongInputs() {
        String text = "abcdefghij".repeat(70) + "END";
        int[] ids = tok.encode(text);
        assertThat(ids).hasSize(703);
        assertThat(tok.decode(ids)).isEqualTo(text);
    }

    private static int b(char c) {
        return TinyTokenizerFiles.byteToId(c);
    }
}
