package dev.elasticcache.cli;

import dev.elasticcache.engine.ModelLocator;
import dev.elasticcache.hub.HubSettings;
import dev.elasticcache.hub.ModelHub;
import dev.elasticcache.hub.ModelId;
import dev.elasticcache.hub.PullStrategy;
import dev.elasticcache.model.weights.WeightDtype;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code pull}: fetches a Hugging Face model into the shared cache (what its revision's newest commit lacks there)
 * and prints the folder, without loading it.
 */
final class PullCommand {
    static final String SYNOPSIS = "pull OWNER/NAME[@REVISION]";
    static final String USAGE = "usage: elastic-cache " + SYNOPSIS + "\n"
            + "  Downloads the files the engine reads (config, tokenizer, template, safetensors shards) into the\n"
            + "  Hugging Face cache, resumably and verified, and prints the snapshot folder. The environment:\n"
            + "  HF_HUB_CACHE or HF_HOME (the cache, default ~/.cache/huggingface/hub), HF_ENDPOINT (a mirror),\n"
            + "  HF_TOKEN (gated and private repositories), HF_HUB_OFFLINE=1 (the cache only).\n";

    private PullCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(USAGE);
            return 0;
        }
        ModelId id;
        try {
            if (args.length != 1) {
                throw new IllegalArgumentException("give one model id");
            }
            id = ModelId.parse(args[0]);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        try {
            ModelHub hub = new ModelHub(HubSettings.fromEnvironment(), new DownloadProgressBar(err, System.console() != null));
            Path folder = hub.resolve(id, PullStrategy.ALWAYS, ModelLocator.preflight(WeightDtype.AUTO));
            out.println(folder);
            return 0;
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }
}
