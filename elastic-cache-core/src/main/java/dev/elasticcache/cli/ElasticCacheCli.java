package dev.elasticcache.cli;

import java.util.Arrays;

/** Command-line entry point: {@code generate ...} (see {@link GenerateCommand#USAGE}). */
public final class ElasticCacheCli {
    private ElasticCacheCli() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || !args[0].equals("generate")) {
            System.err.println("usage: elastic-cache generate --help");
            return 2;
        }
        return GenerateCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
    }
}
