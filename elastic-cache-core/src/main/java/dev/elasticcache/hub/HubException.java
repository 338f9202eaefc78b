package dev.elasticcache.hub;

/**
 * A model could not be had from the Hub or its cache. The message says what happened and what to do; {@link #code()}
 * is the Hub's {@code X-Error-Code} ({@code RepoNotFound}, {@code GatedRepo}, {@code RevisionNotFound},
 * {@code EntryNotFound}) or one of this client's: {@code Offline}, {@code NotCached}, {@code Unreachable},
 * {@code Corrupted}, {@code DiskFull}, {@code Unsupported}, {@code Http}.
 */
public class HubException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    public HubException(String code, String message) {
        super(message);
        this.code = code;
    }

    public HubException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** What kind of failure this is (see the class comment). */
    public String code() {
        return code;
    }
}
