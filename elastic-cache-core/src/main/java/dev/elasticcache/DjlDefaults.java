package dev.elasticcache;

/**
 * Offline defaults for DJL. Call {@link #apply()} before the first DJL class (engine, NDManager,
 * HuggingFaceTokenizer) is touched: without these DJL may try to reach outside hosts and block.
 * Settings the user made (system property or environment variable) are left alone.
 */
public final class DjlDefaults {

    /** System property (and DJL's environment variable {@code DJL_OFFLINE}) that keeps DJL offline. */
    public static final String OFFLINE_PROPERTY = "ai.djl.offline";
    /** Opt-out of DJL's usage tracking; DJL reads it as environment variable or system property. */
    public static final String OPT_OUT_TRACKING = "OPT_OUT_TRACKING";

    private DjlDefaults() {
    }

    /** Sets {@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true} unless already set. Idempotent. */
    public static synchronized void apply() {
        if (System.getProperty(OFFLINE_PROPERTY) == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty(OFFLINE_PROPERTY, "true");
        }
        if (System.getProperty(OPT_OUT_TRACKING) == null && System.getenv(OPT_OUT_TRACKING) == null) {
            System.setProperty(OPT_OUT_TRACKING, "true");
        }
    }
}
