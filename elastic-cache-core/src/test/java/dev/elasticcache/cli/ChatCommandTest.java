package dev.elasticcache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.engine.ModelCard;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Drives {@code chat} on the embedded model with piped input, as a user's shell would. */
class ChatCommandTest {

    /** Keeps every write to stdout as one chunk, so streamed pieces can be told from one final print. */
    static final class Chunks extends OutputStream {
        final List<String> chunks = new ArrayList<>();
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            chunks.add(new String(b, off, len, StandardCharsets.UTF_8));
            all.write(b, off, len);
        }

        String text() {
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aPipedSessionStreamsAnswersAndHandlesEveryCommand() {
        ModelCard card = EmbeddedModel.card();
        String uppercase = card.examples().get("uppercase");
        assertThat(uppercase).as("the embedded card's uppercase example").startsWith("Uppercase these words: ");
        String expected = uppercase.substring("Uppercase these words: ".length()).toUpperCase(Locale.ROOT);
        String input = String.join("\n",
                "What is the capital of France?",
                uppercase,
                "/history",
                "/strategy llada",
                "/show",
                "/set gamma nope",
                "/set gen-length 64",
                "/set wobble 3",
                "/frobnicate",
                "/show",
                "/reset",
                "/history") + "\n";
        Chunks out = new Chunks();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ChatCommand.run(new String[0], new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), true);
        String text = out.text();
        assertThat(code).as(err.toString(StandardCharsets.UTF_8) + text).isZero();

        // The banner shows the card's examples of a task model.
        assertThat(text).contains("it knows uppercase, complement, query").contains("  " + card.examples().get("query"));

        // An open question to a task model: nothing, with the card's hint, and not kept in the history.
        assertThat(text).contains("> What is the capital of France?\n(no answer)\n[elastic | NFE ")
                .contains("| empty]\nhint: " + card.emptyAnswerHint() + "\n(this exchange is not kept in the history)");

        // A known family: the right answer, streamed in pieces as its finished prefix grew, then the stats line.
        assertThat(text).containsPattern("> " + java.util.regex.Pattern.quote(uppercase) + "\n"
                + java.util.regex.Pattern.quote(expected) + "\n\\[elastic \\| NFE \\d+ \\| \\d+\\.\\d tokens/s \\| \\d+\\.\\d\\d s \\| stop]");
        int answerStart = text.indexOf("> " + uppercase + "\n") + uppercase.length() + 3;
        List<String> pieces = new ArrayList<>();
        int offset = 0;
        for (String chunk : out.chunks) {
            if (offset >= answerStart) {
                if (chunk.equals("\n")) {
                    break;
                }
                pieces.add(chunk);
            }
            offset += chunk.length();
        }
        assertThat(String.join("", pieces)).isEqualTo(expected);
        assertThat(pieces).as("answer deltas").hasSizeGreaterThan(1);

        // History holds the one answered exchange.
        assertThat(text).contains("> /history\nuser: " + uppercase + "\nassistant: " + expected + "\n> ");

        // /strategy then /show; a bad value and a bad command explain themselves and the session goes on.
        assertThat(text).contains("strategy = llada");
        String[] shows = text.split("> /show\n");
        assertThat(shows).hasSize(3);
        assertThat(shows[1]).containsPattern("(?m)^  strategy +llada$").containsPattern("(?m)^  gamma +0\\.9$")
                .containsPattern("(?m)^  gen-length +128$").containsPattern("(?m)^  history +2 messages$");
        assertThat(text).contains("error: gamma must be a number, got 'nope'; gamma stays 0.9 (e.g. /set gamma 0.9)")
                .contains("gen-length = 64")
                .contains("error: unknown knob 'wobble'; knobs: strategy, gen-length,")
                .contains("error: unknown command /frobnicate; /help lists the commands");
        assertThat(shows[2]).containsPattern("(?m)^  gen-length +64$").containsPattern("(?m)^  gamma +0\\.9$")
                .containsPattern("(?m)^  strategy +llada$");

        // /reset forgets it; end of input ends the session.
        assertThat(text).contains("history cleared (2 messages forgotten)\n> /history\n(no messages yet)\n> \nbye\n");
        assertThat(text).endsWith("bye\n");
    }

    @Test
    void exitEndsTheSessionBeforeTheRestOfTheInput() {
        CliIo r = CliIo.withInput("/exit\nUppercase these words: robot flame heart queen lemon mango water radio noble house\n",
                "chat", "--gen-length", "32");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("gen-length 32").endsWith("> /exit\nbye\n").doesNotContain("ROBOT");
    }
}
