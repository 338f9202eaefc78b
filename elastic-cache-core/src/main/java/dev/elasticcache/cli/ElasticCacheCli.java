package dev.elasticcache.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * Command-line entry point ({@code bin/elastic-cache COMMAND ...}): {@code generate}, {@code chat}, {@code bench},
 * {@code info}, {@code pull} and {@code help}. Every command prints its options with {@code --help}.
 */
public final class ElasticCacheCli {
    static final String USAGE = "usage: elastic-cache COMMAND [OPTIONS]\n"
            + "  generate   decode one prompt, print the answer and its statistics\n"
            + "             elastic-cache " + GenerateCommand.SYNOPSIS + "\n"
            + "  chat       talk to the model: lines from stdin, answers stream as they are decoded\n"
            + "             elastic-cache " + ChatCommand.SYNOPSIS + "\n"
            + "  bench      compare the decoding strategies on the model's prompts (identical answers, NFE, tokens/s)\n"
            + "             elastic-cache " + BenchCommand.SYNOPSIS + "\n"
            + "  info       the model's facts: shape, parameters, weights on disk, memory needs, what it knows\n"
            + "             elastic-cache " + InfoCommand.SYNOPSIS + "\n"
            + "  pull       download a Hugging Face model into the shared cache, print its folder\n"
            + "             elastic-cache " + PullCommand.SYNOPSIS + "\n"
            + "  help       this text; help COMMAND prints that command's options\n"
            + "KNOBS (generate, chat, bench): --strategy --gen-length --block-length --steps --window --threshold\n"
            + "  --tokens-per-iter --gamma --track-num --block-caching --temperature --remasking --seed\n"
            + "elastic-cache COMMAND --help describes every option of COMMAND.\n";

    private ElasticCacheCli() {}

    public static void main(String[] args) {
        // DJL logs through slf4j-simple in the runnable jar. Only errors by default: DJL warns about CUDA drivers
        // even for a CPU run. JAVA_OPTS=-Dorg.slf4j.simpleLogger.defaultLogLevel=warn (or info) shows more.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        System.exit(run(args, System.in, System.out, System.err, System.console() == null));
    }

    /**
     * Runs one command; returns the process exit code (0 ok, 1 failure, 2 bad usage).
     *
     * @param echoInput whether chat repeats each input line after its prompt (input that is not a terminal, so
     *     that the output reads as a transcript)
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, boolean echoInput) {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "generate":
                return GenerateCommand.run(rest, out, err);
            case "chat":
                return ChatCommand.run(rest, in, out, err, echoInput);
            case "bench":
                return BenchCommand.run(rest, out, err);
            case "info":
                return InfoCommand.run(rest, out, err);
            case "pull":
                return PullCommand.run(rest, out, err);
            case "help", "--help", "-h":
                return help(rest, out, err);
            default:
                err.println("error: unknown command '" + args[0] + "'");
                err.print(USAGE);
                return 2;
        }
    }

    private static int help(String[] rest, PrintStream out, PrintStream err) {
        if (rest.length == 0) {
            out.print(USAGE);
            return 0;
        }
        String usage = switch (rest[0]) {
            case "generate" -> GenerateCommand.USAGE;
            case "chat" -> ChatCommand.USAGE;
            case "bench" -> BenchCommand.USAGE;
            case "info" -> InfoCommand.USAGE;
            case "pull" -> PullCommand.USAGE;
            case "help" -> USAGE;
            default -> null;
        };
        if (usage == null) {
            err.println("error: unknown command '" + rest[0] + "'");
            err.print(USAGE);
            return 2;
        }
        out.print(usage);
        return 0;
    }
}
