package dev.elasticcache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DjlDefaultsTest {

    @Test
    void offlineAndTrackingOptOutAreSetUnlessUserSetThem() {
        String userOffline = System.getProperty("ai.djl.offline");
        DjlDefaults.apply();
        DjlDefaults.apply();
        String offline = System.getProperty("ai.djl.offline") != null ? System.getProperty("ai.djl.offline") : System.getenv("DJL_OFFLINE");
        String tracking = System.getProperty("OPT_OUT_TRACKING") != null ? System.getProperty("OPT_OUT_TRACKING") : System.getenv("OPT_OUT_TRACKING");
        assertThat(offline).isEqualTo(userOffline != null ? userOffline : "true");
        assertThat(tracking).isEqualTo("true");
    }
}
