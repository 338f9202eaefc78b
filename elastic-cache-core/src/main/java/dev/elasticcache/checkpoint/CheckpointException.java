package dev.elasticcache.checkpoint;

/**
 * A checkpoint, config or tokenizer file could not be used. Messages name the file, the problem and,
 * where possible, how to fix it.
 */
public class CheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
