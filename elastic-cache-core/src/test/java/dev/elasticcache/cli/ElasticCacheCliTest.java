package dev.elasticcache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ElasticCacheCliTest {

    @ParameterizedTest
    @CsvSource({
        "generate, --prompt-ids",
        "chat, --strategy",
        "bench, --strategies",
        "info, --prompt-length",
    })
    void everyCommandPrintsItsUsageOnHelp(String command, String ownOption) {
        for (String flag : new String[] {"--help", "-h"}) {
            CliIo r = CliIo.run(command, flag);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("usage: elastic-cache " + command + " ").contains(ownOption);
            assertThat(r.err()).isEmpty();
        }
        CliIo viaHelp = CliIo.run("help", command);
        assertThat(viaHelp.code()).isZero();
        assertThat(viaHelp.out()).isEqualTo(CliIo.run(command, "--help").out());
    }

    @Test
    void helpListsEveryCommand() {
        CliIo r = CliIo.run("help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("elastic-cache generate ", "elastic-cache chat ", "elastic-cache bench ",
                "elastic-cache info ", "  help ");
        assertThat(CliIo.run("--help").out()).isEqualTo(r.out());
    }

    @Test
    void anUnknownCommandPrintsTheUsageOfAllCommandsOnStderrAndExits2() {
        CliIo r = CliIo.run("frobnicate", "--model", "x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("unknown command 'frobnicate'").contains(ElasticCacheCli.USAGE);

        CliIo none = CliIo.run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains(ElasticCacheCli.USAGE);
        assertThat(CliIo.run("help", "frobnicate").code()).isEqualTo(2);
    }

    @Test
    void unknownOptionsAndBadValuesExit2NamingTheFix() {
        CliIo r = CliIo.run("bench", "--strategy-list", "llada");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown option --strategy-list; elastic-cache bench --help lists the options");
        r = CliIo.run("chat", "--gamma", "nope");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--gamma must be a number, got 'nope'");
        r = CliIo.run("bench", "--strategies", "llada,fastest");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown strategy 'fastest'; allowed: llada, fast-dllm");
        r = CliIo.run("bench", "--gen-length", "48");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("genLength (48) must be a multiple of blockLength (32) for strategy llada")
                .contains("leave llada out of --strategies");
        r = CliIo.run("info", "--gamma", "0.5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown option --gamma");
    }
}
