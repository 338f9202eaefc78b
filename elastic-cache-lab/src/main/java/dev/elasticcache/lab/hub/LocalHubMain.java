package dev.elasticcache.lab.hub;

import dev.elasticcache.testsupport.HubStandIn;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Serves model folders over the Hugging Face Hub's protocol on loopback, so that downloads by name can be run
 * at real size here, where the Hub cannot be reached ({@code scripts/models-by-name-demo.sh}):
 * <pre>
 * LocalHubMain [--port N] [--cut FILE@BYTES] OWNER/NAME=FOLDER...
 * </pre>
 * {@code --cut} breaks the first transfer of FILE after BYTES bytes (a dropped connection to resume from). Prints
 * {@code endpoint URL} once serving; runs until killed.
 */
public final class LocalHubMain {
    private LocalHubMain() {}

    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        HubStandIn hub = null;
        String cut = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--cut" -> cut = args[++i];
                default -> {
                    if (hub == null) {
                        hub = HubStandIn.start(port);
                    }
                    int eq = args[i].indexOf('=');
                    if (eq < 0) {
                        throw new IllegalArgumentException("expected OWNER/NAME=FOLDER, got " + args[i]);
                    }
                    long start = System.nanoTime();
                    hub.publish(args[i].substring(0, eq), Path.of(args[i].substring(eq + 1)));
                    System.out.printf("published %s (hashed in %.1f s)%n", args[i].substring(0, eq), (System.nanoTime() - start) / 1e9);
                }
            }
        }
        if (hub == null) {
            throw new IllegalArgumentException("usage: LocalHubMain [--port N] [--cut FILE@BYTES] OWNER/NAME=FOLDER...");
        }
        if (cut != null) {
            int at = cut.lastIndexOf('@');
            hub.cutAfter(cut.substring(0, at), Long.parseLong(cut.substring(at + 1)), 1);
        }
        System.out.println("endpoint " + hub.endpoint());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
