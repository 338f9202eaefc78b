package dev.elasticcache.decode;

import java.util.concurrent.CancellationException;

/** Thrown on the decoding thread when the caller cancelled; every native array of the run is freed by then. */
public final class DecodeCancelledException extends CancellationException {
    public DecodeCancelledException(int step) {
        super("decoding cancelled before step " + step);
    }
}
